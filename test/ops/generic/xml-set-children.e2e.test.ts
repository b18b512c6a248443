/**
 * community.general.xml `set_children` on a lab host, through the CLI: the file gets exactly the
 * children asked for (its indentation and comment kept), the rerun changes nothing, and rollback
 * puts back the file's bytes.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useLab } from '../../helpers/lab.ts';
import { cli } from '../../helpers/recipe.ts';

const lab = useLab({ profile: 'scale', hosts: 1, services: false });
const host = () => lab.hosts[0]!;
const BEFORE = '<Context>\n    <!-- resources -->\n    <Resource name="a"/>\n    <Valve/>\n</Context>\n';
let dir = '';
// The exact bytes (the marker keeps a trailing newline from being trimmed away).
const cat = async (path: string) => (await lab.exec(host(), `cat ${path}; echo .`)).stdout.replace(/\.$/, '');

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'pv-xml-set-e2e-'));
  writeFileSync(
    join(dir, 'site.yml'),
    [
      '- hosts: all',
      '  tasks:',
      '    - community.general.xml:',
      '        path: /opt/ctx/context.xml',
      '        xpath: /Context',
      '        input_type: xml',
      '        set_children:',
      '          - \'<Resource name="jdbc/db" auth="Container"/>\'',
      '          - \'<Manager pathname=""/>\'',
      '',
    ].join('\n'),
  );
  await lab.exec(host(), `mkdir -p /opt/ctx && printf '%s' '${BEFORE}' > /opt/ctx/context.xml`);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('xml set_children on a lab host', () => {
  it('sets the children, the rerun is ok, rollback restores the bytes', async () => {
    expect(await cat('/opt/ctx/context.xml')).toBe(BEFORE);
    const r = await cli(['-i', lab.info.inventoryPath, join(dir, 'site.yml'), '--json']);
    expect(r.code, r.out).toBe(0);
    expect(await cat('/opt/ctx/context.xml')).toBe(
      '<Context>\n    <!-- resources -->\n    <Resource name="jdbc/db" auth="Container"/>\n    <Manager pathname=""/>\n</Context>\n',
    );
    const again = await cli(['-i', lab.info.inventoryPath, join(dir, 'site.yml'), '--json']);
    expect(again.json!.recap[host()]).toMatchObject({ changed: 0, failed: 0 });
    const back = await cli(['rollback', '-i', lab.info.inventoryPath, '--run', r.json!.runId!]);
    expect(back.code, back.out).toBe(0);
    expect(await cat('/opt/ctx/context.xml')).toBe(BEFORE);
  });
});
