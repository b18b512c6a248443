/**
 * What `ansible-inventory --list` and `--graph` print, for `provision inventory`: the same JSON
 * shape (groups with their own hosts and children, `_meta.hostvars`, keys sorted) and the same tree.
 */
import { MASK } from '../core/mask.ts';
import type { Inventory } from './types.ts';

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}

/** Replace every secret string in a value by the mask. */
function masked(value: unknown, secrets: Set<string>): unknown {
  if (typeof value === 'string') return secrets.has(value) ? MASK : value;
  if (Array.isArray(value)) return value.map((v) => masked(v, secrets));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, masked(v, secrets)]));
  }
  return value;
}

/** The `--list` document (secret values masked unless `secrets` is empty). */
export function inventoryList(inv: Inventory, secrets: Iterable<string> = []): Record<string, unknown> {
  const hide = new Set(secrets);
  const out: Record<string, unknown> = {};
  const seen = new Set<string>();
  const walk = (name: string): void => {
    const g = inv.groups.get(name)!;
    const entry: Record<string, unknown> = {};
    if (name !== 'all' && g.ownHosts.length) entry.hosts = [...g.ownHosts];
    if (g.children.length) entry.children = [...g.children];
    if (Object.keys(entry).length) out[name] = entry;
    for (const c of g.children) {
      if (seen.has(c)) continue;
      seen.add(c);
      walk(c);
    }
  };
  walk('all');
  const hostvars: Record<string, unknown> = {};
  for (const h of inv.hosts.values()) if (Object.keys(h.vars).length) hostvars[h.name] = masked(h.vars, hide);
  return sortKeys({ _meta: { hostvars }, ...out }) as Record<string, unknown>;
}

/** The `--graph` tree of a group (default `all`): child groups first, then its own hosts. */
export function inventoryGraph(inv: Inventory, group = 'all'): string {
  const lines: string[] = [];
  const name = (text: string, depth: number) => lines.push(depth ? `${'  |'.repeat(depth)}--${text}` : text);
  const walk = (g: string, depth: number): void => {
    name(`@${g}:`, depth);
    const grp = inv.groups.get(g)!;
    for (const c of grp.children) walk(c, depth + 1);
    if (g !== 'all') for (const h of grp.ownHosts) name(h, depth + 1);
  };
  walk(group, 0);
  return lines.join('\n');
}
