/**
 * Walking Ansible's YAML inventory: top-level keys are groups; a group has `hosts`, `children`
 * and `vars`, and nothing else. Everything unexpected is an error at its own position.
 */
import { isMap, isPair, isScalar, type Node, type YAMLMap } from 'yaml';
import type { SourcePos } from '../core/errors.ts';
import { toInt } from './connection-vars.ts';
import { HostEntryError, parseHostEntry } from './host-entry.ts';
import { closest } from './suggest.ts';
import type { VarMap } from './types.ts';
import { isEmptyNode, nodeKind, readVars } from './vars-node.ts';
import { INI_HINT, inventoryError, looksLikeIni, type YamlSource } from './yaml-source.ts';

export interface RawGroup {
  name: string;
  pos: SourcePos;
  vars: VarMap;
  priority: number;
  children: string[];
  parents: string[];
  /** Hosts written directly under this group. */
  hosts: string[];
}

export interface RawHost {
  name: string;
  pos: SourcePos;
  vars: VarMap;
}

export interface RawInventory {
  groups: Map<string, RawGroup>;
  hosts: Map<string, RawHost>;
}

const SECTIONS = ['hosts', 'children', 'vars'];
const HOSTS_HINT = 'list hosts as map keys, one per line:\n  hosts:\n    web1:\n    web2:\n      ansible_host: 10.0.0.2';

/** Find or create a group; a group first seen implicitly takes the position where it is written. */
export function rawGroup(inv: RawInventory, name: string, pos: SourcePos): RawGroup {
  let g = inv.groups.get(name);
  if (!g) inv.groups.set(name, (g = { name, pos, vars: new Map(), priority: 1, children: [], parents: [], hosts: [] }));
  else if (!g.pos.line) g.pos = pos; // implicit `all`/`ungrouped` written out in the file
  return g;
}

/** An empty inventory: as in Ansible's InventoryData, `all` exists first, with `ungrouped` as its first child. */
export function newRawInventory(file: string): RawInventory {
  const inv: RawInventory = { groups: new Map(), hosts: new Map() };
  rawGroup(inv, 'all', { file }).children.push('ungrouped');
  rawGroup(inv, 'ungrouped', { file }).parents.push('all');
  return inv;
}

/** Make `child` a child group of `parent`; a loop is an error at `pos`. */
export function addChildGroup(inv: RawInventory, parent: RawGroup, child: string, pos: SourcePos): void {
  const isAncestor = (candidate: string, of: string): boolean =>
    candidate === of || (inv.groups.get(of)?.parents ?? []).some((p) => isAncestor(candidate, p));
  if (isAncestor(child, parent.name)) {
    throw inventoryError(
      pos,
      `group \`${child}\` cannot be a child of \`${parent.name}\`: that makes a loop`,
      'a group may not contain itself or one of its parents; remove this entry',
    );
  }
  if (!parent.children.includes(child)) parent.children.push(child);
  const c = inv.groups.get(child)!;
  if (!c.parents.includes(parent.name)) c.parents.push(parent.name);
}

/** Add the hosts of one entry to a group, their variables written later winning (Ansible's set_variable). */
export function addRawHosts(inv: RawInventory, g: RawGroup, names: string[], pos: SourcePos, vars: VarMap): void {
  for (const name of names) {
    let h = inv.hosts.get(name);
    if (!h) inv.hosts.set(name, (h = { name, pos, vars: new Map() }));
    if (!g.hosts.includes(name)) g.hosts.push(name);
    for (const [k, v] of vars) h.vars.set(k, v);
  }
}

/**
 * Parse the inventory document into groups and hosts (before implicit groups are reconciled),
 * adding to `inv` when given: several `-i` sources fill one inventory, as in Ansible.
 */
export function parseGroups(src: YamlSource, inv: RawInventory = newRawInventory(src.file)): RawInventory {
  const top = src.doc.contents;
  if (isEmptyNode(top)) {
    throw inventoryError(
      { file: src.file, line: 1, column: 1 },
      'the inventory is empty',
      'start with `all:` and list hosts under `hosts:` (see inventory/README.md)',
    );
  }
  if (!isMap(top)) {
    throw inventoryError(
      src.pos(top),
      `the top level must be a map of groups (normally \`all:\`), got ${nodeKind(top)}`,
      looksLikeIni(src.text) ? INI_HINT : 'start with `all:` and list hosts under `hosts:` (see inventory/README.md)',
    );
  }
  const group = (name: string, pos: SourcePos): RawGroup => rawGroup(inv, name, pos);

  const keyOf = (pair: unknown): { name: string; node: Node } => {
    const key = isPair(pair) ? pair.key : undefined;
    if (!isScalar(key) || key.value === null || typeof key.value === 'object') {
      throw inventoryError(src.pos(key ?? pair), 'expected a name here', 'group, host and section names are plain strings');
    }
    return { name: String(key.value), node: key };
  };

  const addChild = (parent: RawGroup, child: string, pos: SourcePos): void => addChildGroup(inv, parent, child, pos);

  const parseHosts = (g: RawGroup, node: unknown): void => {
    if (isScalar(node) && typeof node.value === 'string') return addHost(g, node.value, node, null);
    if (!isMap(node))
      throw inventoryError(src.pos(node), `\`hosts\` of group \`${g.name}\` must be a map, got ${nodeKind(node)}`, HOSTS_HINT);
    for (const pair of (node as YAMLMap).items) {
      const { name, node: keyNode } = keyOf(pair);
      addHost(g, name, keyNode, (pair as { value: unknown }).value);
    }
  };

  const addHost = (g: RawGroup, key: string, keyNode: Node, body: unknown): void => {
    const pos = src.pos(keyNode);
    let entry;
    try {
      entry = parseHostEntry(key);
    } catch (e) {
      if (e instanceof HostEntryError) throw inventoryError(pos, e.message, 'see "Host ranges" in inventory/README.md');
      throw e;
    }
    if (!isEmptyNode(body) && !isMap(body)) {
      throw inventoryError(
        src.pos(body),
        `host \`${key}\` must be a map of variables or empty, got ${nodeKind(body)}`,
        `write \`${key}:\` alone, or put variables under it, e.g. \`${key}: {ansible_host: 10.0.0.1}\``,
      );
    }
    const vars = readVars(src, body, `variables of host \`${key}\``, '');
    if (entry.port !== undefined && !vars.has('ansible_port')) vars.set('ansible_port', { value: entry.port, pos });
    addRawHosts(inv, g, entry.names, pos, vars);
  };

  const parseGroup = (name: string, keyNode: Node, body: unknown, topLevel: boolean): RawGroup => {
    const g = group(name, src.pos(keyNode));
    if (isEmptyNode(body)) return g;
    if (!isMap(body)) {
      throw inventoryError(
        src.pos(body),
        `group \`${name}\` must be a map with \`hosts\`, \`children\` or \`vars\`, got ${nodeKind(body)}`,
        `write \`${name}:\` followed by an indented \`hosts:\` map`,
      );
    }
    for (const pair of (body as YAMLMap).items) {
      const { name: key, node } = keyOf(pair);
      const value = (pair as { value: unknown }).value;
      if (key === 'vars') {
        const vars = readVars(src, value, `\`vars\` of group \`${name}\``, 'write `vars:` followed by indented `name: value` lines');
        for (const [k, v] of vars) {
          // Like Ansible, the priority is a property of the group, not a variable.
          if (k === 'ansible_group_priority') g.priority = toInt(v.value) ?? 1;
          else g.vars.set(k, v);
        }
      } else if (key === 'children') {
        if (isEmptyNode(value)) continue;
        if (isScalar(value) && typeof value.value === 'string') {
          parseGroup(value.value, value, null, false);
          addChild(g, value.value, src.pos(value));
          continue;
        }
        if (!isMap(value)) {
          throw inventoryError(
            src.pos(value),
            `\`children\` of group \`${name}\` must be a map of groups, got ${nodeKind(value)}`,
            'list child groups as map keys:\n  children:\n    webservers:\n    dbservers:',
          );
        }
        for (const child of (value as YAMLMap).items) {
          const c = keyOf(child);
          parseGroup(c.name, c.node, (child as { value: unknown }).value, false);
          addChild(g, c.name, src.pos(c.node));
        }
      } else if (key === 'hosts') {
        if (!isEmptyNode(value)) parseHosts(g, value);
      } else {
        const near = closest(key, SECTIONS);
        const hint = near
          ? `did you mean \`${near}\`?`
          : topLevel && SECTIONS.includes(name)
            ? `\`${name}\` at the top level is read as a group name; indent it under \`all:\``
            : 'a group may contain only `hosts`, `children` and `vars`; hosts go under `hosts:`, variables under `vars:`';
        throw inventoryError(src.pos(node), `unknown key \`${key}\` in group \`${name}\``, hint);
      }
    }
    return g;
  };

  for (const pair of (top as YAMLMap).items) {
    const { name, node } = keyOf(pair);
    parseGroup(name, node, (pair as { value: unknown }).value, true);
  }
  return inv;
}
