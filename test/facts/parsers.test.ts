/** Every fact parser as data: `cases/<type>.json` holds what a snippet printed and the fact it means. */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseFact } from '../../src/facts/snippets.ts';
import type { FactRequest } from '../../src/facts/types.ts';

interface Case {
  name: string;
  req: FactRequest;
  out: string;
  expected: Record<string, unknown>;
}

const dir = new URL('./cases/', import.meta.url);
const types = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .map((f) => f.replace(/\.json$/, ''));

describe.each(types)('%s fact parser', (type) => {
  const cases = JSON.parse(readFileSync(new URL(`${type}.json`, dir), 'utf8')) as Case[];
  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const fact = parseFact(c.req, Buffer.from(c.out)) as unknown as Record<string, unknown>;
    const shown = fact.content instanceof Buffer ? { ...fact, content: fact.content.toString('utf8') } : fact;
    expect(shown).toEqual(c.expected);
  });
});

it('every fact type has parser cases', () => {
  expect(types.sort()).toEqual(['command', 'file', 'firewall', 'os', 'package', 'service', 'system']);
});
