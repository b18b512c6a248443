/**
 * The vault passwords of a run, from the places Ansible takes them: `--vault-id [label@]source`,
 * `--vault-password-file`, `--ask-vault-pass`, and ansible.cfg/ANSIBLE_* (`vault_password_file`,
 * `vault_identity_list`). A source is `prompt`, a file (its content, stripped) or an executable
 * (its stdout, as Ansible runs vault password scripts; a `*-client*` script gets `--vault-id label`).
 */
import { access, constants, readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { execa } from 'execa';
import { UsageError } from '../core/errors.ts';
import { VaultKeyring, type VaultSecret } from '../inventory/vault.ts';
import { askSecret } from './prompt.ts';

/** Vault flags and settings, already merged with ansible.cfg (files from it are listed last). */
export interface VaultFlags {
  vaultId?: string[];
  vaultPasswordFile?: string[];
  askVaultPass?: boolean;
  /** Where the password files came from, for messages (default `--vault-password-file`). */
  passwordFileOrigin?: string;
}

async function executable(path: string): Promise<boolean> {
  return access(path, constants.X_OK).then(
    () => true,
    () => false,
  );
}

async function fromSource(id: string, source: string, flag: string): Promise<string> {
  if (source === 'prompt') return askSecret(`Vault password (${id}): `);
  if (await executable(source)) {
    const args = /-client(\.|$)/.test(basename(source)) ? ['--vault-id', id] : [];
    const r = await execa(source, args, { reject: false, stdin: 'inherit' });
    if (r.exitCode !== 0) {
      throw new UsageError(`${flag} ${source}: the vault password script exited with ${r.exitCode}`, {
        hint: `run ${source} yourself to see why; it must print the password on stdout`,
      });
    }
    return String(r.stdout).trim();
  }
  try {
    return (await readFile(source, 'utf8')).trim();
  } catch (cause) {
    throw new UsageError(`${flag} ${source}: cannot read the vault password file (${(cause as NodeJS.ErrnoException).code ?? cause})`, {
      hint: 'check the path (relative paths start in the current directory)',
    });
  }
}

/** Every vault secret the flags name, in Ansible's order; an empty keyring when none. */
export async function vaultKeyring(f: VaultFlags): Promise<VaultKeyring> {
  const secrets: VaultSecret[] = [];
  for (const spec of f.vaultId ?? []) {
    const at = spec.indexOf('@');
    const id = at > 0 ? spec.slice(0, at) : 'default';
    const source = at > 0 ? spec.slice(at + 1) : spec;
    secrets.push({ id, password: await fromSource(id, source, '--vault-id') });
  }
  for (const file of f.vaultPasswordFile ?? [])
    secrets.push({ id: 'default', password: await fromSource('default', file, f.passwordFileOrigin ?? '--vault-password-file') });
  if (f.askVaultPass) secrets.push({ id: 'default', password: await askSecret('Vault password: ') });
  const empty = secrets.find((s) => s.password === '');
  if (empty)
    throw new UsageError(`the vault password for vault id \`${empty.id}\` is empty`, { hint: 'ansible-vault refuses empty passwords too' });
  return new VaultKeyring(secrets);
}
