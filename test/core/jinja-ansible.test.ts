/**
 * Templates as Ansible's templar renders them, in task arguments (vars/template.ts) and in template
 * files (ops/generic/render.ts): whitespace (trim_blocks on, lstrip_blocks off, trailing newlines
 * kept as many as the source had) and backslashes in string literals (as written inside a task
 * argument's `{{ }}`, Python escapes elsewhere). Each case is rendered by provision and by the real
 * ansible-playbook (a `debug` of the string, a `template` of the file): the same, byte for byte.
 * Found by the twin tests (test/playbook/twin-ansible.e2e.test.ts, galaxy-role.e2e.test.ts): a
 * `{% for %}` line in a blockinfile block left a blank line, a `regex_replace('\.', …)` lost its backslash.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { renderTemplate } from '../../src/ops/generic/render.ts';
import { renderString } from '../../src/vars/template.ts';

const VARS = { xs: [1, 2], name: 'web1', multi: 'v\n\n\n', line: 'Server number:  10.1.60.0' };
const CASES: Record<string, string> = {
  'a for loop on lines of its own': '<Proxy>\n{% for i in xs %}\n    Member {{ i }}\n{% endfor %}\n</Proxy>\n',
  'the text ends in a block tag and a newline': '{% for i in xs %}\nx{{ i }}\n{% endfor %}\n',
  'an if inline, newlines after it': 'a{% if true %}y{% endif %}\n\n',
  'block tags inline, no newline at the end': '{% for i in xs %}{% if true %}- {{ i }}{% endif %}\n{% endfor %}',
  'an indented block tag (lstrip_blocks off)': '  {% if true %}\n  z\n  {% endif %}\n',
  'whitespace control': 'a\n{%- for i in xs %} {{ i }}{% endfor -%}\nb\n',
  'a value with its own trailing newlines': '{{ multi }}\n\n',
  'a plain expression line': 'host {{ name }}\n',
  'a regex with backslashes in an expression': "{{ line | regex_replace('^Server number:\\s+(\\d+)\\..*$', '\\1') }}",
  'an escaped dot in a set block': "{% set y = 'a.b' | regex_replace('\\.', '-') %}{{ y }}\n",
  'a backslash-n in a literal': '{{ \'a\\nb\' }}|{{ "c\\\\d" }}\n',
};

let ansible: { msgs: string[]; files: string[] };
let dir = '';

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'pv-jinja-ws-'));
  const entries = Object.values(CASES);
  entries.forEach((src, i) => writeFileSync(join(dir, `t${i}.j2`), src));
  // One debug of every case (Ansible templates each string of a list as it would the string alone), one template loop.
  const tasks = [
    { debug: { msg: entries } },
    { template: { src: join(dir, 't{{ item }}.j2'), dest: join(dir, 'out{{ item }}') }, loop: entries.map((_, i) => i) },
  ];
  writeFileSync(join(dir, 'site.yml'), stringify([{ hosts: 'localhost', gather_facts: false, vars: VARS, tasks }]));
  const r = await execa('ansible-playbook', ['-i', 'localhost,', '-c', 'local', join(dir, 'site.yml')], {
    reject: false,
    env: { ANSIBLE_STDOUT_CALLBACK: 'json', ANSIBLE_NOCOLOR: '1' },
  });
  expect(r.exitCode, r.stdout).toBe(0);
  const doc = JSON.parse(r.stdout) as { plays: { tasks: { hosts: { localhost: { msg?: string[] } } }[] }[] };
  ansible = {
    msgs: doc.plays[0]!.tasks[0]!.hosts.localhost.msg!,
    files: entries.map((_, i) => readFileSync(join(dir, `out${i}`), 'utf8')),
  };
}, 120_000); // the real ansible-playbook: seconds alone, much longer beside the e2e tier on 2 cores

describe('templates as ansible-playbook renders them', () => {
  it.each(Object.keys(CASES).map((k, i) => [k, i] as const))('%s', (_name, i) => {
    const src = Object.values(CASES)[i]!;
    expect(renderString(src, VARS)).toBe(ansible.msgs[i]);
    const ctx = { host: 'localhost', vars: VARS, hostvars: { localhost: VARS }, playHosts: ['localhost'], baseDir: dir };
    expect(renderTemplate(src, join(dir, `t${i}.j2`), `t${i}.j2`, ctx)).toBe(ansible.files[i]);
  });
});
