/**
 * The Ansible command-line habits every command shares: repeatable `-i`, connection flags
 * (`-u`, `--private-key`, `-k`, `-b`, `--become-user`, `-K`, `-T`, `--ssh-common-args`,
 * `--ssh-extra-args`), vault flags (`--vault-id`, `--vault-password-file`, `-J`), each falling
 * back to ansible.cfg / ANSIBLE_* (ansible-cfg.ts) as in Ansible: flag > environment > file.
 */
import { Command, Option } from 'commander';
import { UsageError } from '../core/errors.ts';
import { DEFAULT_FORKS } from '../core/forks.ts';
import type { ConnectionDefaults } from '../inventory/connection.ts';
import type { VaultKeyring } from '../inventory/vault.ts';
import { ansibleSettings, type AnsibleSettings } from './ansible-cfg.ts';

const collect = (v: string, prev: string[]) => [...prev, v];
const positive = (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`\`${v}\` is not a whole number ≥ 1`);
  return n;
};

/** Flags added by `addInventoryFlags` and `addConnectionFlags`. */
export interface AnsibleFlags {
  inventory: string[];
  hostKeyChecking?: 'strict' | 'accept-new' | 'off';
  user?: string;
  privateKey?: string;
  askPass?: boolean;
  become?: boolean;
  becomeUser?: string;
  askBecomePass?: boolean;
  timeout?: number;
  sshCommonArgs?: string;
  sshExtraArgs?: string;
  vaultId: string[];
  vaultPasswordFile: string[];
  askVaultPass?: boolean;
}

/** `-i` (repeatable) and the vault flags: what reading an inventory needs. */
export function addInventoryFlags(cmd: Command): Command {
  return cmd
    .option(
      '-i, --inventory <source>',
      'inventory: INI or YAML file, directory, or host list `a,b,` (repeatable; default: ansible.cfg)',
      collect,
      [],
    )
    .option('--vault-id <[label@]source>', 'a vault password: a file, an executable printing it, or `prompt` (repeatable)', collect, [])
    .option('--vault-password-file <file>', 'file (or executable) holding the vault password (repeatable)', collect, [])
    .option('-J, --ask-vault-pass', 'ask for the vault password')
    .addOption(new Option('--ask-vault-password').hideHelp().implies({ askVaultPass: true }));
}

/** The connection flags of every command that connects. */
export function addConnectionFlags(cmd: Command): Command {
  return cmd
    .addOption(
      new Option(
        '--host-key-checking <mode>',
        'known_hosts policy when the inventory sets no provision_host_key_checking (default: strict; ansible.cfg host_key_checking)',
      ).choices(['strict', 'accept-new', 'off']),
    )
    .option('-u, --user <user>', 'SSH user when the inventory sets no ansible_user')
    .option('--private-key <file>', 'SSH key when the inventory sets no ansible_ssh_private_key_file')
    .option('-k, --ask-pass', 'ask for the SSH password (when the inventory sets no ansible_password)')
    .option('-b, --become', 'use sudo on the hosts (when the inventory sets no ansible_become)')
    .option('--become-user <user>', 'the user to become (default root)')
    .option('-K, --ask-become-pass', 'ask for the sudo password (when the inventory sets no ansible_become_password)')
    .option('-T, --timeout <seconds>', 'SSH connection timeout', positive)
    .option('--ssh-common-args <args>', 'ssh options for every host, e.g. "-o ProxyJump=bastion"')
    .option('--ssh-extra-args <args>', 'more ssh options, after the common ones');
}

/** What a command needs from its flags and ansible.cfg: the inventory sources, connection defaults, forks, vault. */
export interface ResolvedCli {
  inventory: string[];
  connection: ConnectionDefaults;
  forks: number;
  vault: VaultKeyring;
  settings: AnsibleSettings;
}

/** Merge flags with ansible.cfg / ANSIBLE_*, ask what must be asked, and read the vault passwords. */
export async function resolveCli(f: Partial<AnsibleFlags> & { forks?: number }, settings = ansibleSettings()): Promise<ResolvedCli> {
  const inventory = f.inventory?.length ? f.inventory : (settings.inventory ?? []);
  if (!inventory.length) {
    throw new UsageError('no inventory given', {
      hint: 'pass -i hosts.ini (or hosts.yml), or set `inventory` in ansible.cfg; `provision lab up` writes one for the local test hosts',
    });
  }
  // Loaded when a command runs, not for --help (see main.ts): vault brings the cipher and YAML.
  const [{ askSecret }, { vaultKeyring }] = await Promise.all([import('./prompt.ts'), import('./vault-secrets.ts')]);
  if (settings.becomeMethod && settings.becomeMethod !== 'sudo') {
    throw new UsageError(
      `become_method = ${settings.becomeMethod} (${settings.file ?? 'ANSIBLE_BECOME_METHOD'}): ` +
        'provision becomes another user only through sudo',
      {
        hint: 'set become_method = sudo, or remove it',
      },
    );
  }
  const c: ConnectionDefaults = {};
  const user = f.user ?? settings.remoteUser;
  if (user) c.user = user;
  const key = f.privateKey ?? settings.privateKeyFile;
  if (key) c.privateKeyFile = key;
  if (f.become ?? settings.become) c.become = true;
  const becomeUser = f.becomeUser ?? settings.becomeUser;
  if (becomeUser) c.becomeUser = becomeUser;
  const checking = f.hostKeyChecking ?? (settings.hostKeyChecking === undefined ? undefined : settings.hostKeyChecking ? 'strict' : 'off');
  if (checking) c.hostKeyChecking = checking;
  const timeout = f.timeout ?? settings.timeout;
  if (timeout) c.connectTimeoutMs = timeout * 1000;
  if (settings.sshArgs) c.sshArgs = settings.sshArgs;
  const common = f.sshCommonArgs ?? settings.sshCommonArgs;
  if (common) c.sshCommonArgs = common;
  const extra = f.sshExtraArgs ?? settings.sshExtraArgs;
  if (extra) c.sshExtraArgs = extra;
  if (f.askPass ?? settings.askPass) c.password = await askSecret('SSH password: ');
  if (f.askBecomePass ?? settings.becomeAskPass) {
    c.becomePassword = await askSecret(`BECOME password${c.password !== undefined ? '[defaults to SSH password]' : ''}: `);
    // Ansible's habit: an empty answer reuses the SSH password.
    if (c.becomePassword === '' && c.password !== undefined) c.becomePassword = c.password;
  }
  const vault = await vaultKeyring({
    vaultId: [...(f.vaultId ?? []), ...(settings.vaultIdentityList ?? [])],
    vaultPasswordFile: f.vaultPasswordFile?.length ? f.vaultPasswordFile : settings.vaultPasswordFile ? [settings.vaultPasswordFile] : [],
    askVaultPass: f.askVaultPass ?? settings.askVaultPass,
    ...(f.vaultPasswordFile?.length
      ? {}
      : { passwordFileOrigin: `vault_password_file (${settings.file ?? 'ANSIBLE_VAULT_PASSWORD_FILE'})` }),
  });
  return { inventory, connection: c, forks: f.forks ?? settings.forks ?? DEFAULT_FORKS, vault, settings };
}
