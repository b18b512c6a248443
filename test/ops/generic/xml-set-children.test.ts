/**
 * community.general.xml's `set_children`: the real module (run by `ansible` on a local file) and
 * provision's xml operation give the same element tree for the same arguments (compared after
 * lxml's canonicalisation, comments and whitespace-only text aside); provision keeps the file's
 * indentation (the module rewrites its layout), and a second run changes nothing, as the module's.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { fact } from '../../../src/facts/types.ts';
import { xmlOp, type XmlArgs } from '../../../src/ops/generic/xml.ts';
import { afterWrite, fileFact, planOp, schemaErrors } from './helpers.ts';

const P = '/opt/app/conf/context.xml';
const dir = mkdtempSync(join(tmpdir(), 'pv-xml-set-'));
const BEFORE =
  '<Context>\n  <!-- resources -->\n  <Resource name="a"/>\n  <Resource name="b">\n    <x/>\n  </Resource>\n  <Valve/>\n</Context>\n';

async function ours(text: string, args: Omit<XmlArgs, 'path'>): Promise<string> {
  const before = fileFact(P, text);
  const plan = await planOp(xmlOp, { path: P, ...args }, [[fact.file(P, true), before]]);
  return plan.changes.length ? afterWrite(before, plan.changes[0]!).content!.toString() : text;
}

async function theirs(text: string, xpath: string, children: unknown[]): Promise<string> {
  const file = join(dir, `${Math.random().toString(36).slice(2)}.xml`);
  writeFileSync(file, text);
  const args = JSON.stringify({ path: file, xpath, set_children: children, input_type: 'xml' });
  const r = await execa('ansible', ['localhost', '-c', 'local', '-m', 'community.general.xml', '-a', args], { reject: false });
  expect(r.exitCode, r.stdout).toBe(0);
  return readFileSync(file, 'utf8');
}

/** lxml's canonical form, comments and whitespace-only text dropped. */
async function canonical(xml: string): Promise<string> {
  const py = [
    'import sys',
    'from lxml import etree',
    'root = etree.fromstring(sys.stdin.read().encode(), etree.XMLParser(remove_comments=True))',
    'for e in root.iter():',
    '    e.text = e.text if e.text and e.text.strip() else None',
    '    e.tail = e.tail if e.tail and e.tail.strip() else None',
    'print(etree.tostring(root, method="c14n").decode())',
  ].join('\n');
  return (await execa('/usr/bin/python3', ['-c', py], { input: xml })).stdout;
}

describe('xml set_children', () => {
  it('gives the tree community.general.xml gives, keeping the indentation; the rerun is ok', async () => {
    const children = ['<Resource name="c" auth="Container"/>', '<Manager pathname=""/>'];
    const mine = await ours(BEFORE, { xpath: '/Context', set_children: children });
    expect(await canonical(mine)).toBe(await canonical(await theirs(BEFORE, '/Context', children)));
    expect(mine).toBe('<Context>\n  <!-- resources -->\n  <Resource name="c" auth="Container"/>\n  <Manager pathname=""/>\n</Context>\n');
    expect(await ours(mine, { xpath: '/Context', set_children: children })).toBe(mine);
  });

  it('children given as names and mappings, and `[]` removing every child', async () => {
    const mine = await ours(BEFORE, { xpath: '/Context/Resource[@name="b"]', set_children: [{ y: { k: 1 } }] });
    expect(await canonical(mine)).toBe(await canonical(await theirs(BEFORE, '/Context/Resource[@name="b"]', ['<y k="1"/>'])));
    const none = await ours(BEFORE, { xpath: '/Context', set_children: [] });
    expect(await canonical(none)).toBe(await canonical(await theirs(BEFORE, '/Context', [])));
  });

  it('excludes value and add_children', () => {
    expect(schemaErrors(xmlOp, { path: P, xpath: '/a', set_children: ['b'], add_children: ['c'] })).not.toBeNull();
    expect(schemaErrors(xmlOp, { path: P, xpath: '/a', set_children: ['b'] })).toBeNull();
  });
});
