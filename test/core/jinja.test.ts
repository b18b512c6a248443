/** Ansible's filters and tests as the playbooks written for Ansible use them (core/jinja.ts through vars/template.ts). */
import { describe, expect, it } from 'vitest';
import { evaluate, renderString } from '../../src/vars/template.ts';

const vars = {
  tomcat_instances: [
    { home: '/opt/tomcat', receiverPort: 4000 },
    { home: '/opt/tomcat2', source: '/opt/tomcat', receiverPort: 4001 },
  ],
  cluster_mcast_port: 45564,
  r: { changed: true, results: [{ count: 0, item: { home: '/a' } }] },
};

describe('Ansible filters', () => {
  it.each([
    ["tomcat_instances | selectattr('source', 'defined') | map(attribute='home') | list", ['/opt/tomcat2']],
    ["tomcat_instances | rejectattr('source', 'defined') | map(attribute='home') | list", ['/opt/tomcat']],
    [
      "[cluster_mcast_port ~ '/udp'] + tomcat_instances | map(attribute='receiverPort') | map('string') " +
        "| map('regex_replace', '$', '/tcp') | list",
      ['45564/udp', '4000/tcp', '4001/tcp'],
    ],
    [
      "tomcat_instances | map(attribute='home') | product(['port', 'secret']) | list",
      [
        ['/opt/tomcat', 'port'],
        ['/opt/tomcat', 'secret'],
        ['/opt/tomcat2', 'port'],
        ['/opt/tomcat2', 'secret'],
      ],
    ],
    ["{'a': 1} | dict2items", [{ key: 'a', value: 1 }]],
    ["[{'key': 'a', 'value': 1}] | items2dict", { a: 1 }],
    ["'hunter2' | b64encode", 'aHVudGVyMg=='],
    ["'aHVudGVyMg==' | b64decode", 'hunter2'],
    ["'42' | int + 1", 43],
    ["'yes' | bool", true],
    ["missing | default('x')", 'x'],
    // Backslashes as written in a task argument: ansible-playbook gives a1 (and a-1 for doubled ones).
    ["'a-1' | regex_replace('(?P<w>[a-z])-(\\d)', '\\g<w>\\2')", 'a1'],
    ['[1, [2, [3]]] | flatten', [1, 2, 3]],
    ["{'a': 1} | combine({'b': 2})", { a: 1, b: 2 }],
    ['[1, 1, 2] | unique', [1, 2]],
  ])('%s', (expr, want) => {
    expect(evaluate(expr, vars)).toEqual(want);
  });

  it('strings and numbers still add as before', () => {
    expect(evaluate("'a' + 'b'", {})).toBe('ab');
    expect(evaluate('1 + 2', {})).toBe(3);
  });

  it('result tests read a registered result', () => {
    expect(evaluate('r is changed', vars)).toBe(true);
    expect(evaluate('r is failed', vars)).toBe(false);
    expect(evaluate("'abc' is match('ab')", vars)).toBe(true);
    expect(renderString('{{ r.results | selectattr("count", "equalto", 0) | map(attribute="item.home") | join(",") }}', vars)).toBe('/a');
  });
});
