/** Turning a YAML map of variables into a VarMap with a position for every variable. */
import { isMap, isPair, isScalar, type Node, type YAMLMap } from 'yaml';
import { checkVar } from './connection-vars.ts';
import type { VarMap } from './types.ts';
import { inventoryError, type YamlSource } from './yaml-source.ts';

/** True for an absent value or an empty one (`web1:` with nothing after it). */
export function isEmptyNode(node: unknown): boolean {
  return node === null || node === undefined || (isScalar(node) && node.value === null);
}

/** Describe what a YAML node is, for messages. */
export function nodeKind(node: unknown): string {
  if (isMap(node)) return 'a map';
  if (isScalar(node))
    return typeof node.value === 'string' ? `the string ${JSON.stringify(node.value)}` : `${typeof node.value} ${String(node.value)}`;
  if (node && typeof node === 'object' && 'items' in node) return 'a list';
  return 'an alias';
}

/**
 * Read a map of variables, checking the known connection variables' types.
 * @param what names the map in messages, e.g. "vars of group `web`".
 */
export function readVars(src: YamlSource, node: unknown, what: string, hint: string): VarMap {
  const out: VarMap = new Map();
  if (isEmptyNode(node)) return out;
  if (!isMap(node)) throw inventoryError(src.pos(node), `${what} must be a map of variables, got ${nodeKind(node)}`, hint);
  // toJS resolves anchors, aliases and `<<` merge keys exactly as YAML 1.1 defines them.
  const js = (node as YAMLMap).toJS(src.doc) as Record<string, unknown>;
  const keyPos = new Map<string, Node>();
  for (const pair of (node as YAMLMap).items) {
    if (isPair(pair) && isScalar(pair.key)) keyPos.set(String(pair.key.value), pair.key);
  }
  for (const [name, value] of Object.entries(js)) {
    const keyNode = keyPos.get(name);
    const pair = (node as YAMLMap).items.find((p) => p.key === keyNode);
    const pos = src.pos(keyNode ?? node);
    checkVar(name, value, pair && !isEmptyNode(pair.value) ? src.pos(pair.value) : pos);
    out.set(name, { value, pos });
  }
  return out;
}
