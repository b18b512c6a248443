import { describe, expect, it } from 'vitest';
import { expandRange, parseHostEntry } from '../../src/inventory/host-entry.ts';
import { loadInventory } from '../../src/inventory/load.ts';

describe('host keys', () => {
  it("expands ranges as Ansible's expand_hostname_range does", () => {
    expect(expandRange('www[08:11].example.com')).toEqual([
      'www08.example.com',
      'www09.example.com',
      'www10.example.com',
      'www11.example.com',
    ]);
    expect(expandRange('n[1:3]-[a:b]')).toEqual(['n1-a', 'n1-b', 'n2-a', 'n2-b', 'n3-a', 'n3-b']);
    expect(expandRange('plain.example.com')).toEqual(['plain.example.com']);
    expect(() => expandRange('www[01:100]')).toThrow('host range in `www[01:100]` must have begin and end of equal length');
    expect(() => expandRange('www[c:a]')).toThrow('must have begin <= end');
  });

  it('separates ports from names, IPv6 included', () => {
    expect(parseHostEntry('web1:2222')).toEqual({ names: ['web1'], port: 2222 });
    expect(parseHostEntry('[::1]:22')).toEqual({ names: ['::1'], port: 22 });
    expect(parseHostEntry('fe80::1')).toEqual({ names: ['fe80::1'] });
    expect(parseHostEntry('web[1:2]:2200')).toEqual({ names: ['web1', 'web2'], port: 2200 });
    expect(() => parseHostEntry('web1:99999')).toThrow('port must be from 1 to 65535');
  });
});

describe('YAML values', () => {
  it("reads values as Ansible's PyYAML loader does and leaves templates alone", async () => {
    const inv = await loadInventory('test/fixtures/inventory/ansible-docs/yaml11.yml');
    expect(inv.hosts.get('web1')!.vars).toEqual({
      flag_yes: true,
      flag_on: true,
      flag_off: false,
      letter_y: 'y',
      letter_n: 'n',
      mode: 420,
      quoted_mode: '0644',
      port_template: '{{ base_port + 1 }}',
      ansible_port: '{{ base_port }}',
      base: { a: 1, b: 2 },
      merged: { a: 1, b: 3 },
    });
  });
});
