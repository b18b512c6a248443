/** Loading an Ansible YAML inventory file, with its group_vars/ and host_vars/ directories. */
import { dirname } from 'node:path';
import { buildInventory, reconcile, type DirVars } from './merge.ts';
import { parseGroups } from './parse-groups.ts';
import type { Inventory } from './types.ts';
import { loadDirVars } from './vars-dirs.ts';
import { readYaml } from './yaml-source.ts';

export type { Inventory, InventoryGroup, InventoryHost } from './types.ts';

/**
 * Read and validate an inventory. Throws InventoryError (message starting with
 * file:line:column, plus a hint) for malformed YAML, unknown keys and wrongly typed variables.
 */
export async function loadInventory(path: string): Promise<Inventory> {
  const src = await readYaml(path);
  const raw = parseGroups(src);
  reconcile(raw);
  const base = dirname(path);
  const dir: DirVars = { groups: new Map(), hosts: new Map() };
  for (const name of raw.groups.keys()) dir.groups.set(name, await loadDirVars(base, 'group_vars', name));
  for (const name of raw.hosts.keys()) dir.hosts.set(name, await loadDirVars(base, 'host_vars', name));
  return buildInventory(path, raw, dir);
}
