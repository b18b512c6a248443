import { describe, expect, it } from 'vitest';
import { InventoryError } from '../../src/core/errors.ts';
import { loadInventory } from '../../src/inventory/load.ts';

const fx = (name: string): string => `test/fixtures/inventory/${name}`;

/** Load a fixture that must fail, and return the InventoryError. */
async function failure(name: string): Promise<InventoryError> {
  const err = await loadInventory(fx(name)).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(InventoryError);
  return err as InventoryError;
}

describe('loadInventory: bad input is one clear error with file:line:column and a hint', () => {
  const cases: [string, string, string, RegExp][] = [
    ['bad/unknown-key.yml', '4:7', 'unknown key `host` in group `webservers`', /did you mean `hosts`\?/],
    ['bad/unknown-key-far.yml', '6:7', 'unknown key `web2` in group `webservers`', /hosts go under `hosts:`/],
    ['bad/top-level-hosts.yml', '2:3', 'unknown key `web1` in group `hosts`', /indent it under `all:`/],
    [
      'bad/malformed.yml',
      '5:5',
      'malformed YAML: Flow sequence in block collection must be sufficiently indented and end with a ]',
      /fix the YAML syntax/,
    ],
    ['bad/bad-indent.yml', '4:4', 'malformed YAML: All mapping items must start at the same column', /indentation/],
    ['bad/duplicate-host.yml', '5:5', 'malformed YAML: duplicate key `web1`', /only once/],
    ['bad/empty.yml', '1:1', 'the inventory is empty', /start with `all:`/],
    ['bad/port-type.yml', '5:21', '`ansible_port` must be an integer from 1 to 65535, got string "ssh"', /ansible_port: 22/],
    ['bad/port-range.yml', '3:19', '`ansible_port` must be an integer from 1 to 65535, got number 70000', /ansible_port: 22/],
    ['bad/become-type.yml', '5:25', '`ansible_become` must be a boolean, got string "maybe"', /yes\/no/],
    ['bad/host-type.yml', '4:21', '`ansible_host` must be a non-empty string, got number 10', /quote/],
    [
      'bad/host-not-map.yml',
      '3:11',
      'host `web1` must be a map of variables or empty, got the string "10.0.0.1"',
      /web1: \{ansible_host: 10.0.0.1\}/,
    ],
    ['bad/hosts-list.yml', '5:9', '`hosts` of group `webservers` must be a map, got a list', /map keys/],
    ['bad/vars-not-map.yml', '5:5', '`vars` of group `all` must be a map of variables, got a list', /name: value/],
    ['bad/children-list.yml', '3:5', '`children` of group `all` must be a map of groups, got a list', /child groups/],
    ['bad/loop.yml', '5:9', 'group `b` cannot be a child of `a`: that makes a loop', /remove this entry/],
    ['bad/bad-range.yml', '3:5', 'host range in `web[1:x].example.com` must be numbers or single letters', /Host ranges/],
    ['bad/become-method.yml', '3:28', '`ansible_become_method` must be "sudo", got string "su"', /only through sudo/],
    [
      'bad/secret-vars-type.yml',
      '3:28',
      '`provision_secret_vars` must be a list of variable names, got string "db_token"',
      /\[db_token, api_key\]/,
    ],
  ];
  for (const [file, at, message, hint] of cases) {
    it(`${file} → ${at}`, async () => {
      const err = await failure(file);
      expect(err.message.split('\n')[0]).toBe(`${fx(file)}:${at}: ${message}`);
      const [line, column] = at.split(':').map(Number);
      expect(err.pos).toEqual({ file: fx(file), line, column });
      expect(err.hint).toMatch(hint);
    });
  }

  it('shows the offending line under a malformed-YAML message', async () => {
    const err = await failure('bad/bad-indent.yml');
    expect(err.message).toContain('\n     web2:\n     ^');
  });

  it('reports a wrong type in group_vars/ at the vars file position', async () => {
    const err = await failure('bad-group-vars/hosts.yml');
    expect(err.message).toBe(
      'test/fixtures/inventory/bad-group-vars/group_vars/web.yml:3:15: `ansible_port` must be an integer from 1 to 65535, got string "22a"',
    );
  });

  it('names a missing inventory file', async () => {
    const err = await failure('missing.yml');
    expect(err.message).toBe('test/fixtures/inventory/missing.yml: no such file or directory');
    expect(err.hint).toMatch(/--inventory/);
  });
});
