/**
 * The import rules of docs/architecture.md, read from the sources so they stay true: runner and
 * journal never import each other, nothing below `ui/` imports it, and the folders of `src/` form
 * no cycle. Imports are read with TypeScript's own pre-processor (type-only imports count too).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '../../src');
/** Layers that must never import the renderers. */
const BELOW_UI = ['core', 'host', 'facts', 'ops', 'runner', 'journal', 'transport', 'inventory', 'playbook', 'vars', 'xml'];

const files = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );

/** Every import between files of src/: from, to (both relative to src/). */
const edges = files(SRC).flatMap((file) =>
  ts
    .preProcessFile(readFileSync(file, 'utf8'), true, true)
    .importedFiles.map((f) => f.fileName)
    .filter((spec) => spec.startsWith('.'))
    .map((spec) => ({ from: relative(SRC, file), to: relative(SRC, resolve(dirname(file), spec)) })),
);
const layer = (path: string) => path.split('/')[0]!;
const between = edges.filter((e) => layer(e.from) !== layer(e.to)).map((e) => ({ ...e, a: layer(e.from), b: layer(e.to) }));

/** Folder cycles, each as the list of folders in it (Tarjan's strongly connected components). */
function cycles(): string[][] {
  const next = new Map<string, Set<string>>();
  for (const e of between) next.set(e.a, (next.get(e.a) ?? new Set()).add(e.b));
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const out: string[][] = [];
  const visit = (v: string) => {
    index.set(v, index.size);
    low.set(v, index.get(v)!);
    stack.push(v);
    for (const w of next.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (stack.includes(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1) out.push(scc.sort());
    }
  };
  for (const v of next.keys()) if (!index.has(v)) visit(v);
  return out;
}

const show = (list: { from: string; to: string }[]) => list.map((e) => `${e.from} → ${e.to}`);

describe('import rules (docs/architecture.md)', () => {
  it('reads the imports of every source file', () => {
    expect(between.length).toBeGreaterThan(50);
  });

  it('runner and journal never import each other', () => {
    expect(show(between.filter((e) => (e.a === 'runner' && e.b === 'journal') || (e.a === 'journal' && e.b === 'runner')))).toEqual([]);
  });

  it('no layer below ui imports ui', () => {
    expect(show(between.filter((e) => e.b === 'ui' && BELOW_UI.includes(e.a)))).toEqual([]);
  });

  it('no cycle between the folders of src/', () => {
    const found = cycles();
    const detail = found.map((c) => show(between.filter((e) => c.includes(e.a) && c.includes(e.b))));
    expect(detail).toEqual([]);
  });
});
