/**
 * `group_vars/` and `host_vars/` beside the inventory file, found the way Ansible's
 * host_group_vars plugin finds them: `<name>`, `<name>.yml`, `<name>.yaml` or `<name>.json`
 * (first match wins), or a directory `<name>/` whose files are read in sorted order.
 */
import { readdir, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import type { VarMap } from './types.ts';
import type { VaultKeyring } from './vault.ts';
import { readVars } from './vars-node.ts';
import { readYaml } from './yaml-source.ts';

const EXTENSIONS = ['', '.yml', '.yaml', '.json'];

async function kind(path: string): Promise<'file' | 'dir' | undefined> {
  try {
    const s = await stat(path);
    return s.isDirectory() ? 'dir' : s.isFile() ? 'file' : undefined;
  } catch {
    return undefined;
  }
}

/** Files of a vars directory: sorted, recursive, hidden files and other extensions skipped. */
async function dirFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of (await readdir(dir)).sort()) {
    if (entry.startsWith('.')) continue;
    const path = join(dir, entry);
    const k = await kind(path);
    if (k === 'dir') out.push(...(await dirFiles(path)));
    else if (k === 'file' && EXTENSIONS.includes(extname(entry))) out.push(path);
  }
  return out;
}

/** The files that hold variables for one group or host, in the order they apply. */
export async function varsFiles(base: string, sub: 'group_vars' | 'host_vars', name: string): Promise<string[]> {
  for (const ext of EXTENSIONS) {
    const path = join(base, sub, name + ext);
    const k = await kind(path);
    if (k === 'dir') return dirFiles(path);
    if (k === 'file') return [path];
  }
  return [];
}

function strings(value: unknown, out: Set<string>): void {
  if (typeof value === 'string') {
    if (value !== '') out.add(value);
  } else if (value && typeof value === 'object') Object.values(value).forEach((v) => strings(v, out));
}

/** Read one vars file: a map of variables, or empty. The text values of a vault-encrypted file are secrets. */
export async function readVarsFile(file: string, vault?: VaultKeyring): Promise<VarMap> {
  const src = await readYaml(file, vault);
  const vars = readVars(src, src.doc.contents, 'a vars file', 'a vars file holds `name: value` lines at the top level');
  if (src.vaulted && vault) for (const v of vars.values()) strings(v.value, vault.revealed);
  return vars;
}

/** Variables for one group or host from the vars directories under `base` (beside an inventory or playbook). */
export async function loadDirVars(base: string, sub: 'group_vars' | 'host_vars', name: string, vault?: VaultKeyring): Promise<VarMap> {
  const out: VarMap = new Map();
  for (const file of await varsFiles(base, sub, name)) {
    for (const [k, v] of await readVarsFile(file, vault)) out.set(k, v);
  }
  return out;
}
