/**
 * From parsed groups to the final inventory: implicit `all`/`ungrouped` membership, group depth,
 * and variables merged in Ansible's precedence order (VariableManager's default
 * `all_inventory, groups_inventory, all_plugins_inventory, groups_plugins_inventory`, then host vars).
 */
import type { SourcePos } from '../core/errors.ts';
import type { RawGroup, RawInventory } from './parse-groups.ts';
import type { Inventory, InventoryGroup, InventoryHost, VarMap } from './types.ts';

/** Ansible's reconcile_inventory: parentless groups join `all`; hosts in no group join `ungrouped`. */
export function reconcile(raw: RawInventory): void {
  const all = raw.groups.get('all')!;
  for (const g of raw.groups.values()) {
    if (g.name === 'all' || g.parents.length > 0) continue;
    all.children.push(g.name);
    g.parents.push('all');
  }
  const ungrouped = raw.groups.get('ungrouped')!;
  for (const host of raw.hosts.keys()) {
    const direct = [...raw.groups.values()].filter((g) => g.hosts.includes(host)).map((g) => g.name);
    const alone = direct.every((n) => n === 'all' || n === 'ungrouped');
    if (alone && !ungrouped.hosts.includes(host)) ungrouped.hosts.push(host);
    // A host an INI file lists before any section, and also in a group, is not ungrouped (as in Ansible).
    if (!alone && ungrouped.hosts.includes(host)) ungrouped.hosts.splice(ungrouped.hosts.indexOf(host), 1);
  }
}

/** Vars from the group_vars/ and host_vars/ of one directory, by group or host name. */
export interface DirVars {
  /** Beside an inventory source, or beside the playbook (these win, as Ansible's `*_plugins_play`). */
  stage: 'inventory' | 'play';
  groups: Map<string, VarMap>;
  hosts: Map<string, VarMap>;
}

function depths(raw: RawInventory): Map<string, number> {
  const memo = new Map<string, number>();
  const depth = (name: string): number => {
    const known = memo.get(name);
    if (known !== undefined) return known;
    const g = raw.groups.get(name)!;
    // Longest path from `all`, as Ansible's add_child_group keeps max(parent.depth + 1).
    const d = g.name === 'all' ? 0 : Math.max(...g.parents.map((p) => depth(p) + 1));
    memo.set(name, d);
    return d;
  };
  for (const name of raw.groups.keys()) depth(name);
  return memo;
}

/** Ansible's sort_groups: by depth, then ansible_group_priority, then name. */
function sortGroups(groups: RawGroup[], depth: Map<string, number>): RawGroup[] {
  return [...groups].sort(
    (a, b) => depth.get(a.name)! - depth.get(b.name)! || a.priority - b.priority || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0),
  );
}

function descendantsBfs(raw: RawInventory, name: string): RawGroup[] {
  const out = [raw.groups.get(name)!];
  const seen = new Set([name]);
  for (let i = 0; i < out.length; i++) {
    for (const c of out[i]!.children) {
      if (!seen.has(c)) {
        seen.add(c);
        out.push(raw.groups.get(c)!);
      }
    }
  }
  return out;
}

function ancestors(raw: RawInventory, names: string[]): Set<string> {
  const out = new Set<string>();
  const walk = (n: string): void => {
    if (out.has(n)) return;
    out.add(n);
    for (const p of raw.groups.get(n)!.parents) walk(p);
  };
  names.forEach(walk);
  return out;
}

/** Assemble the final inventory. */
export function buildInventory(files: string[], raw: RawInventory, dirs: DirVars[]): Inventory {
  const staged = [...dirs.filter((d) => d.stage === 'inventory'), ...dirs.filter((d) => d.stage === 'play')];
  const depth = depths(raw);
  const groups = new Map<string, InventoryGroup>();
  for (const g of raw.groups.values()) {
    const vars: Record<string, unknown> = {};
    for (const m of [g.vars, ...staged.map((d) => d.groups.get(g.name))]) for (const [k, v] of m ?? []) vars[k] = v.value;
    const hosts = [...new Set(descendantsBfs(raw, g.name).flatMap((d) => d.hosts))];
    groups.set(g.name, {
      name: g.name,
      hosts,
      children: [...g.children],
      parents: [...g.parents],
      vars,
      ownHosts: [...g.hosts],
      depth: depth.get(g.name)!,
      priority: g.priority,
      pos: g.pos,
    });
  }
  const hosts = new Map<string, InventoryHost>();
  for (const h of raw.hosts.values()) {
    const direct = [...raw.groups.values()].filter((g) => g.hosts.includes(h.name)).map((g) => g.name);
    const mine = sortGroups(
      [...ancestors(raw, direct)].map((n) => raw.groups.get(n)!),
      depth,
    );
    const others = mine.filter((g) => g.name !== 'all');
    const all = raw.groups.get('all')!;
    const layers: (VarMap | undefined)[] = [
      all.vars,
      ...others.map((g) => g.vars),
      // Per stage: every directory's group_vars/all, then every directory's other groups (source by source).
      ...(['inventory', 'play'] as const).flatMap((stage) => {
        const ds = dirs.filter((d) => d.stage === stage);
        return [...ds.map((d) => d.groups.get('all')), ...ds.flatMap((d) => others.map((g) => d.groups.get(g.name)))];
      }),
      h.vars,
      ...staged.map((d) => d.hosts.get(h.name)),
    ];
    const vars: Record<string, unknown> = {};
    const varPos: Record<string, SourcePos> = {};
    for (const layer of layers) {
      for (const [k, v] of layer ?? []) {
        vars[k] = v.value;
        varPos[k] = v.pos;
      }
    }
    hosts.set(h.name, { name: h.name, groups: mine.map((g) => g.name), vars, varPos, pos: h.pos });
  }
  return { file: files[0] ?? '', files, hosts, groups };
}
