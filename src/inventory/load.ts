/**
 * Loading Ansible inventories: one or more `-i` sources (YAML, INI, directories, host lists)
 * merged into one as Ansible merges them, with the group_vars/ and host_vars/ beside each source
 * and beside the playbook.
 */
import { buildInventory, reconcile, type DirVars } from './merge.ts';
import { newRawInventory, type RawInventory } from './parse-groups.ts';
import { parseSource } from './sources.ts';
import type { Inventory } from './types.ts';
import { loadDirVars } from './vars-dirs.ts';
import type { VaultKeyring } from './vault.ts';

export type { Inventory, InventoryGroup, InventoryHost } from './types.ts';

/** Where else variables come from, and how to decrypt them. */
export interface LoadOptions {
  /** The playbook's directory: its group_vars/ and host_vars/ win over the inventory's (Ansible's play stage). */
  playbookDir?: string;
  /** Passwords for vaulted files and `!vault` values. */
  vault?: VaultKeyring;
}

async function dirVars(raw: RawInventory, base: string, stage: DirVars['stage'], vault?: VaultKeyring): Promise<DirVars> {
  const d: DirVars = { stage, groups: new Map(), hosts: new Map() };
  for (const name of raw.groups.keys()) d.groups.set(name, await loadDirVars(base, 'group_vars', name, vault));
  for (const name of raw.hosts.keys()) d.hosts.set(name, await loadDirVars(base, 'host_vars', name, vault));
  return d;
}

/**
 * Read and validate an inventory from one or more sources; a later source's variables win.
 * Throws InventoryError (message starting with file:line:column, plus a hint) for malformed
 * files, unknown keys, wrongly typed variables and vaults that cannot be decrypted.
 */
export async function loadInventory(sources: string | string[], opts: LoadOptions = {}): Promise<Inventory> {
  const list = typeof sources === 'string' ? [sources] : sources;
  const raw = newRawInventory(list[0] ?? '');
  const varsDirs: string[] = [];
  for (const source of list) {
    const info = await parseSource(source, raw, opts.vault);
    if (info.varsDir !== undefined) varsDirs.push(info.varsDir);
  }
  reconcile(raw);
  const dirs: DirVars[] = [];
  for (const base of varsDirs) dirs.push(await dirVars(raw, base, 'inventory', opts.vault));
  if (opts.playbookDir !== undefined) dirs.push(await dirVars(raw, opts.playbookDir, 'play', opts.vault));
  const inv = buildInventory(list, raw, dirs);
  if (opts.vault) inv.vaultSecrets = [...opts.vault.revealed];
  return inv;
}
