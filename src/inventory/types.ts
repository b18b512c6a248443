/**
 * The inventory model: hosts and groups after Ansible's YAML inventory has been parsed, groups
 * reconciled (implicit `all` and `ungrouped`) and variables merged in Ansible's precedence order.
 */
import type { SourcePos } from '../core/errors.ts';

export type { SourcePos };

/** One host, with every variable that applies to it already merged. */
export interface InventoryHost {
  /** Inventory name (`inventory_hostname` in Ansible). */
  name: string;
  /** Every group the host is in, ancestors and `all` included, in variable precedence order (lowest first). */
  groups: string[];
  /** Merged variables: group vars (by depth, priority, name) < group_vars/ < host vars < host_vars/. */
  vars: Record<string, unknown>;
  /** Where each merged variable's winning value was written. */
  varPos: Record<string, SourcePos>;
  /** Where the host was first written in the inventory file. */
  pos: SourcePos;
}

/** One group. */
export interface InventoryGroup {
  name: string;
  /** Hosts of the group and of its descendants, in Ansible's order (own hosts, then children breadth-first). */
  hosts: string[];
  /** Hosts written directly in this group (not through a child group). */
  ownHosts: string[];
  /** Direct child groups, in file order. */
  children: string[];
  /** Direct parent groups (`all` for a top-level group; none for `all`). */
  parents: string[];
  /** The group's own variables (inventory file, then group_vars/), not inherited ones. */
  vars: Record<string, unknown>;
  /** Longest path from `all` (Ansible's group depth; `all` is 0). */
  depth: number;
  /** `ansible_group_priority` (default 1); breaks ties between groups of equal depth. */
  priority: number;
  /** Where the group was first written; the inventory file itself for implicit groups. */
  pos: SourcePos;
}

export interface Inventory {
  /** The first inventory source, as given. */
  file: string;
  /** Every inventory source (`-i`), in order; later ones win for the same variable. */
  files: string[];
  /** Values decrypted from vaults while loading: secrets, masked like secret variables. */
  vaultSecrets?: string[];
  /** Hosts in order of first appearance in the file. */
  hosts: Map<string, InventoryHost>;
  /** Groups in order of first appearance, `all` and `ungrouped` first. */
  groups: Map<string, InventoryGroup>;
}

/** A variable value and where it was written. */
export interface VarEntry {
  value: unknown;
  pos: SourcePos;
}

/** Variables in definition order, each with its position. */
export type VarMap = Map<string, VarEntry>;
