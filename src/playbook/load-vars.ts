/** A play's variables as loaded: where each `defaults:`/`vars:` key was written, and its `vars_spec:`. */
import { isAlias, isMap, type Document, type Node } from 'yaml';
import type { SourcePos } from '../core/errors.ts';
import { specProblem, type VarSpec } from './vars-spec.ts';

type At = (node: unknown) => SourcePos;

/** A mapping node, through an alias (`defaults: *defaults`). */
function mapOf(node: unknown, doc: Document): Node | undefined {
  const n = isAlias(node) ? node.resolve(doc) : node;
  return isMap(n) ? n : undefined;
}

/** Where each key of a mapping node was written (its key's first character). */
export function keyPositions(node: unknown, doc: Document, at: At): Record<string, SourcePos> {
  const map = mapOf(node, doc);
  if (!isMap(map)) return {};
  return Object.fromEntries(map.items.map((p) => [String((p.key as { value?: unknown }).value), at(p.key)]));
}

/** The play's `vars_spec:`, or the first problem with it (at the offending variable). */
export function loadVarsSpec(
  node: unknown,
  raw: unknown,
  doc: Document,
  at: At,
): { spec: Record<string, VarSpec> } | { pos: SourcePos; message: string } {
  if (raw === undefined || raw === null) return { spec: {} };
  if (typeof raw !== 'object' || Array.isArray(raw))
    return { pos: at(node), message: '`vars_spec` must be a mapping of variable names to specs such as `{ type: port }`' };
  const positions = keyPositions(node, doc, at);
  for (const [name, s] of Object.entries(raw)) {
    const message = specProblem(name, s);
    if (message) return { pos: positions[name] ?? at(node), message };
  }
  return { spec: raw as Record<string, VarSpec> };
}
