/**
 * Plain scalars read as Ansible's own YAML loader reads them: the same text parsed by
 * ansible.parsing.yaml.loader (the real one, through python3) and by provision's loaders of
 * playbooks and inventories must give the same types and values.
 */
import { execa } from 'execa';
import { parseDocument } from 'yaml';
import { describe, expect, it } from 'vitest';
import { pyyamlTags } from '../../src/core/pyyaml.ts';
import { parseYaml } from '../../src/inventory/yaml-source.ts';

const SCALARS = [
  'yes',
  'no',
  'on',
  'off',
  'Yes',
  'NO',
  'ON',
  'Off',
  'y',
  'n',
  'Y',
  'N',
  'true',
  'False',
  'TRUE',
  'yEs',
  '0755',
  '0o755',
  '09',
  '012',
  '0',
  '-0',
  '+12',
  '1_000',
  '0x1F',
  '0b101',
  '1:20',
  '0:30',
  '190:20:30',
  '1e3',
  '1.0e+3',
  '1.0e3',
  '1.5',
  '.5',
  '-.5',
  '.',
  '1.',
  '6.8523015e+5',
  '.inf',
  '-.Inf',
  '~',
  'null',
  'Null',
  '',
  '2026-12-01',
  '2026-1-5',
  'abc',
  '"yes"',
  "'no'",
];
const doc = SCALARS.map((s, i) => `k${i}: ${s}`).join('\n') + '\n';

/** Each value as [type, text], the same way from both sides (a date is the text Ansible renders it as). */
const PY = `
import json, sys, math, datetime
from ansible.parsing.yaml.loader import AnsibleLoader
d = AnsibleLoader(sys.stdin.read()).get_single_data()
def shape(v):
    if v is None: return ['null', '']
    if isinstance(v, bool): return ['bool', str(v).lower()]
    if isinstance(v, (int, float)):
        return ['num', 'inf' if math.isinf(v) else repr(float(v)).removesuffix('.0')]
    if isinstance(v, (datetime.date, datetime.datetime)): return ['str', str(v)]
    return ['str', str(v)]
print(json.dumps({k: shape(v) for k, v in d.items()}))
`;
const shape = (v: unknown): [string, string] => {
  if (v === null) return ['null', ''];
  if (typeof v === 'boolean') return ['bool', String(v)];
  if (typeof v === 'number') return ['num', Number.isFinite(v) ? String(v) : 'inf'];
  return ['str', String(v)];
};
const shapes = (js: Record<string, unknown>) => Object.fromEntries(Object.entries(js).map(([k, v]) => [k, shape(v)]));

describe('YAML 1.1 scalars as Ansible reads them', () => {
  it('playbook and inventory files give what ansible.parsing.yaml.loader gives', async () => {
    const r = await execa('/usr/bin/python3', ['-c', PY], { input: doc });
    const theirs = JSON.parse(r.stdout) as Record<string, [string, string]>;
    const ours = shapes(parseDocument(doc, { version: '1.1', customTags: pyyamlTags }).toJS() as Record<string, unknown>);
    const named = (m: Record<string, unknown>) => Object.fromEntries(Object.entries(m).map(([k, v]) => [SCALARS[Number(k.slice(1))], v]));
    expect(named(ours)).toEqual(named(theirs));
    const inventory = shapes(parseYaml('vars.yml', doc).doc.toJS() as Record<string, unknown>);
    expect(named(inventory)).toEqual(named(theirs));
  });

  it('a key `n` or `y` stays a name (the spec’s YAML 1.1 would make it a boolean)', () => {
    expect(parseDocument('n: 1\ny: 2\nno: 3\n', { version: '1.1', customTags: pyyamlTags }).toJS()).toEqual({ n: 1, y: 2, false: 3 });
  });
});
