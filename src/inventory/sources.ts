/**
 * One `-i` source as Ansible's InventoryManager reads it: a comma-separated host list
 * (`web1,web2,`), a directory (every inventory file in it, sorted), or a file in YAML or INI
 * (chosen as Ansible's plugins choose: .yml/.yaml/.json is YAML; otherwise YAML when it parses
 * as a YAML inventory, else INI).
 */
import { existsSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import { InventoryError } from '../core/errors.ts';
import { parseIni } from './ini-source.ts';
import { addRawHosts, parseGroups, rawGroup, type RawInventory } from './parse-groups.ts';
import type { VaultKeyring } from './vault.ts';
import { looksLikeIni, parseYaml, readText } from './yaml-source.ts';

const YAML_EXTS = ['.yml', '.yaml', '.json'];
// Ansible's INVENTORY_IGNORE_EXTS (REJECT_EXTS + .orig .ini .cfg .retry): skipped inside a directory source.
const IGNORED_EXTS = ['.pyc', '.pyo', '.swp', '.bak', '.rpm', '.md', '.txt', '.rst', '.orig', '.ini', '.cfg', '.retry'];

/** Where group_vars/ and host_vars/ of a source are: the directory itself, or the file's directory. */
export interface SourceInfo {
  varsDir?: string;
}

/** Parse one `-i` value into `inv`. */
export async function parseSource(source: string, inv: RawInventory, vault?: VaultKeyring): Promise<SourceInfo> {
  if (source.includes(',') && !existsSync(source)) {
    const g = rawGroup(inv, 'ungrouped', { file: source });
    const names = source
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    for (const name of names) addRawHosts(inv, g, [name], { file: source }, new Map());
    return {};
  }
  const kind = await stat(source).then(
    (s) => (s.isDirectory() ? 'dir' : 'file'),
    () => 'missing',
  );
  if (kind === 'missing') {
    throw new InventoryError(`${source}: no such file or directory`, {
      pos: { file: source },
      hint: 'check the path given with -i/--inventory (or `inventory` in ansible.cfg)',
    });
  }
  if (kind === 'dir') {
    for (const file of await dirSources(source)) await parseFile(file, inv, vault);
    return { varsDir: source };
  }
  await parseFile(source, inv, vault);
  return { varsDir: dirname(source) };
}

async function dirSources(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of (await readdir(dir)).sort()) {
    if (entry.startsWith('.') || entry.endsWith('~') || IGNORED_EXTS.includes(extname(entry))) continue;
    if (entry === 'group_vars' || entry === 'host_vars') continue;
    const path = join(dir, entry);
    if ((await stat(path)).isDirectory()) out.push(...(await dirSources(path)));
    else out.push(path);
  }
  return out;
}

async function parseFile(file: string, inv: RawInventory, vault?: VaultKeyring): Promise<void> {
  const { text } = await readText(file, vault);
  if (YAML_EXTS.includes(extname(file).toLowerCase())) {
    parseGroups(parseYaml(file, text, vault), inv);
    return;
  }
  if (looksLikeIni(text) || basename(file).endsWith('.ini')) {
    parseIni(file, text, inv);
    return;
  }
  // No telling extension: Ansible tries the YAML plugin, then INI. Parse YAML into a scratch copy first.
  try {
    const scratch: RawInventory = structuredClone(inv);
    parseGroups(parseYaml(file, text, vault), scratch);
    inv.groups = scratch.groups;
    inv.hosts = scratch.hosts;
  } catch (yamlErr) {
    if (!(yamlErr instanceof InventoryError)) throw yamlErr;
    parseIni(file, text, inv);
  }
}
