import { resolve } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { InventoryError } from '../../src/core/errors.ts';
import { iniValue } from '../../src/inventory/ini-source.ts';
import { loadInventory } from '../../src/inventory/load.ts';
import { inventoryGraph, inventoryList } from '../../src/inventory/show.ts';

const dir = 'test/fixtures/inventory/ini';
const EMPTY_CFG = resolve(dir, 'ansible-empty.cfg');

/** What the real ansible-inventory (Debian's ansible-core) prints for the same sources. */
async function ansibleInventory(args: string[]): Promise<string> {
  const r = await execa('ansible-inventory', args, { cwd: dir, env: { ANSIBLE_CONFIG: EMPTY_CFG } });
  return r.stdout;
}

describe('INI inventories read as ansible-inventory reads them', () => {
  const cases: [string, string[], string | undefined][] = [
    ['one INI file: ranges, inline vars typed by literal_eval, :vars, :children, comments', ['cluster.ini'], undefined],
    [
      'three -i sources (INI, plain host list, YAML): later sources win, memberships add up',
      ['cluster.ini', 'hosts', 'other/hosts.yml'],
      undefined,
    ],
    ['a directory source, group_vars/ as files and directories, and the playbook directory', ['cluster.ini', 'other'], 'play'],
  ];
  for (const [title, sources, playbookDir] of cases) {
    it(title, async () => {
      const args = [...sources.flatMap((s) => ['-i', s]), ...(playbookDir ? ['--playbook-dir', playbookDir] : [])];
      const inv = await loadInventory(
        sources.map((s) => `${dir}/${s}`),
        playbookDir ? { playbookDir: `${dir}/${playbookDir}` } : {},
      );
      expect(JSON.stringify(inventoryList(inv), null, 4)).toBe(await ansibleInventory([...args, '--list']));
      expect(inventoryGraph(inv)).toBe(await ansibleInventory([...args, '--graph']));
    });
  }

  it('keeps positions: a host at its line and column, an inline variable at its token', async () => {
    const inv = await loadInventory(`${dir}/cluster.ini`);
    expect(inv.hosts.get('db-b')!.pos).toEqual({ file: `${dir}/cluster.ini`, line: 6, column: 1 });
    expect(inv.hosts.get('db-b')!.varPos.http_port).toEqual({ file: `${dir}/cluster.ini`, line: 6, column: 10 });
    expect(inv.groups.get('prod')!.priority).toBe(5);
  });

  it('types values as Python literal_eval does', () => {
    expect(iniValue('2222')).toBe(2222);
    expect(iniValue('-1.5e3')).toBe(-1500);
    expect(iniValue('0x1F')).toBe(31);
    expect(iniValue('010')).toBe('010');
    expect(iniValue('True')).toBe(true);
    expect(iniValue('true')).toBe('true');
    expect(iniValue('yes')).toBe('yes');
    expect(iniValue('None')).toBe(null);
    expect(iniValue("'quoted'")).toBe('quoted');
    expect(iniValue('{"a": [1, (2, 3)], \'b\': None}')).toEqual({ a: [1, [2, 3]], b: null });
    expect(iniValue('10.0.0.1')).toBe('10.0.0.1');
    expect(iniValue('web-1')).toBe('web-1');
  });
});

describe('INI inventory errors name file:line:column (the line Ansible names too)', () => {
  const cases: [string, string, RegExp, RegExp][] = [
    ['semicolon.ini', '2:26', /expected key=value after host `web1`, got `;`/, /name=value/],
    ['unknown-section.ini', '4:1', /section \[web:child\] has unknown type `child`/, /\[group:children\]/],
    ['undefined-child.ini', '5:1', /section \[prod:children\] includes group `missing`, which is not defined/, /\[missing\]/],
    ['vars-undefined.ini', '3:1', /section \[dbs:vars\] is for group `dbs`, which is not defined/, /\[dbs\]/],
    ['port-type.ini', '2:21', /`ansible_port` must be an integer from 1 to 65535, got string "ssh"/, /ansible_port: 22/],
    ['bad-range.ini', '2:1', /host range in `web\[1:x\]` must be numbers or single letters/, /Host ranges/],
    ['quote.ini', '2:1', /cannot split the host line: No closing quotation/, /quote/],
    ['header.ini', '1:1', /invalid section header `\[web server\]`/, /no spaces/],
    ['vars-no-eq.ini', '4:1', /expected key=value in \[web:vars\], got `novalue`/, /name=value/],
  ];
  for (const [file, at, message, hint] of cases) {
    it(`${file} → ${at}`, async () => {
      const path = `${dir}/bad/${file}`;
      const err = await loadInventory(path).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(InventoryError);
      const e = err as InventoryError;
      expect(e.message.startsWith(`${path}:${at}: `)).toBe(true);
      expect(e.message).toMatch(message);
      expect(e.hint).toMatch(hint);
      // Ansible names the same line.
      const r = await execa('ansible-inventory', ['-i', path, '--list'], { reject: false, env: { ANSIBLE_CONFIG: EMPTY_CFG } });
      if (file !== 'bad-range.ini' && file !== 'port-type.ini')
        expect(r.stderr.replace(/\s+/g, '')).toContain(`${file}:${at.split(':')[0]}:`);
    });
  }
});
