/**
 * From a host's variables to a transport ConnectionSpec. Inventory variables win over the
 * defaults (CLI flags), as in Ansible where `ansible_user` beats `-u`.
 */
import { homedir, userInfo } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import type { SourcePos } from '../core/errors.ts';
import type { ConnectionSpec } from '../transport/types.ts';
import { checkVar, isTemplate, toBool, toInt } from './connection-vars.ts';
import { ShlexError, shlexSplit } from './shlex.ts';
import type { InventoryHost } from './types.ts';
import { inventoryError } from './yaml-source.ts';

/** Connection settings from the command line; each applies when the inventory does not set it. */
export interface ConnectionDefaults {
  /** `--user`; otherwise the current local user. */
  user?: string;
  /** `--private-key`. */
  privateKeyFile?: string;
  /** Passphrase of the private key. */
  passphrase?: string;
  /** `--become`. Default false. */
  become?: boolean;
  /** `--become-user`. */
  becomeUser?: string;
  /** Default 'strict'. */
  hostKeyChecking?: ConnectionSpec['hostKeyChecking'];
  /** Default: the transport's ~/.ssh/known_hosts. */
  knownHostsFile?: string;
  /** Use $SSH_AUTH_SOCK when set. Default true. */
  agent?: boolean;
  connectTimeoutMs?: number;
  connectAttempts?: number;
  /** `-k`/`--ask-pass`: the SSH password when the inventory sets no ansible_password. */
  password?: string;
  /** `-K`/`--ask-become-pass`: the sudo password when the inventory sets no ansible_become_password. */
  becomePassword?: string;
  /** ansible.cfg `ssh_args`, `ssh_common_args`, `ssh_extra_args` or the CLI's --ssh-common-args/--ssh-extra-args (shell words). */
  sshArgs?: string;
  sshCommonArgs?: string;
  sshExtraArgs?: string;
  /** The OpenSSH client config to read instead of ~/.ssh/config (`none`: none). */
  sshConfigFile?: string;
  /** Where relative key and known_hosts paths start. Default: the directory of the host's inventory file. */
  baseDir?: string;
}

function first(vars: Record<string, unknown>, names: string[]): [string, unknown] | undefined {
  for (const n of names) if (vars[n] !== undefined && vars[n] !== null) return [n, vars[n]];
  return undefined;
}

/** Expand `~` and make a relative path relative to `base`. */
export function resolvePath(path: string, base: string): string {
  if (path === '~') return homedir();
  if (path.startsWith('~/')) return join(homedir(), path.slice(2));
  return isAbsolute(path) ? path : resolve(base, path);
}

/**
 * Build the ConnectionSpec for a host.
 * @param vars the host's variables after templating; defaults to `host.vars` (templates left in are an error).
 */
export function connectionSpecFor(
  host: InventoryHost,
  defaults: ConnectionDefaults = {},
  vars: Record<string, unknown> = host.vars,
): ConnectionSpec {
  const where = (name: string): SourcePos => host.varPos[name] ?? host.pos;
  const get = (names: string[]): [string, unknown] | undefined => {
    const hit = first(vars, names);
    if (hit && isTemplate(hit[1])) {
      throw inventoryError(
        where(hit[0]),
        `\`${hit[0]}\` of host \`${host.name}\` is still a template: ${String(hit[1])}`,
        'render the variables before connecting (the runner does), or write the value itself',
      );
    }
    // Values rendered by the runner were never type-checked at load time.
    if (hit) checkVar(hit[0], hit[1], where(hit[0]));
    return hit;
  };
  const str = (names: string[]): string | undefined => {
    const hit = get(names);
    return hit === undefined ? undefined : String(hit[1]);
  };
  const bool = (names: string[]): boolean | undefined => {
    const hit = get(names);
    return hit === undefined ? undefined : toBool(hit[1]);
  };
  const conn = str(['ansible_connection']);
  if (conn !== undefined && !['ssh', 'smart', 'paramiko'].includes(conn)) {
    throw inventoryError(
      where('ansible_connection'),
      `host \`${host.name}\` uses ansible_connection=${conn}; provision connects only over SSH`,
      'remove `ansible_connection` or set it to `ssh`, and make sure the host runs sshd',
    );
  }
  const base = defaults.baseDir ?? dirname(host.pos.file);
  const keyFile = str(['ansible_ssh_private_key_file', 'ansible_private_key_file']) ?? defaults.privateKeyFile;
  const knownHosts = str(['provision_known_hosts_file']) ?? defaults.knownHostsFile;
  const timeout = toInt(get(['ansible_timeout', 'ansible_ssh_timeout'])?.[1]);
  const port = toInt(get(['ansible_port', 'ansible_ssh_port'])?.[1]);
  const user = str(['ansible_user', 'ansible_ssh_user']) ?? defaults.user;
  const checking =
    keyChecking(get(['provision_host_key_checking'])?.[1], bool(['ansible_host_key_checking', 'ansible_ssh_host_key_checking'])) ??
    defaults.hostKeyChecking;
  const spec: ConnectionSpec = {
    name: host.name,
    host: str(['ansible_host', 'ansible_ssh_host']) ?? host.name,
    port: port ?? 22,
    user: user ?? userInfo().username,
    agent: defaults.agent ?? true,
    become: bool(['ansible_become']) ?? defaults.become ?? false,
    hostKeyChecking: checking ?? 'strict',
  };
  // As in Ansible's ssh command line: ssh_args, then common args, then extra args; a variable beats the setting.
  const words = (['ansible_ssh_args', 'ansible_ssh_common_args', 'ansible_ssh_extra_args'] as const).flatMap((name, i) => {
    const text = str([name]) ?? [defaults.sshArgs, defaults.sshCommonArgs, defaults.sshExtraArgs][i];
    if (!text) return [];
    try {
      return shlexSplit(text).map((t) => t.text);
    } catch (e) {
      if (!(e instanceof ShlexError)) throw e;
      throw inventoryError(where(name), `\`${name}\` of host \`${host.name}\` cannot be split into words: ${e.message}`, 'close the quote');
    }
  });
  if (words.length) spec.sshArgs = words;
  if (defaults.sshConfigFile !== undefined) spec.sshConfigFile = defaults.sshConfigFile;
  spec.defaulted = { user: user === undefined, port: port === undefined, hostKeyChecking: checking === undefined };
  if (keyFile !== undefined) spec.privateKeyFile = resolvePath(keyFile, base);
  const passphrase = str(['ansible_ssh_private_key_passphrase', 'ansible_private_key_passphrase']) ?? defaults.passphrase;
  if (passphrase !== undefined) spec.passphrase = passphrase;
  const password = str(['ansible_password', 'ansible_ssh_pass', 'ansible_ssh_password']) ?? defaults.password;
  if (password !== undefined) spec.password = password;
  const becomeUser = str(['ansible_become_user']) ?? defaults.becomeUser;
  if (becomeUser !== undefined) spec.becomeUser = becomeUser;
  const becomePassword = str(['ansible_become_password', 'ansible_become_pass']) ?? defaults.becomePassword;
  if (becomePassword !== undefined) spec.becomePassword = becomePassword;
  if (knownHosts !== undefined) spec.knownHostsFile = resolvePath(knownHosts, base);
  const ms = timeout !== undefined ? timeout * 1000 : defaults.connectTimeoutMs;
  if (ms !== undefined) spec.connectTimeoutMs = ms;
  if (defaults.connectAttempts !== undefined) spec.connectAttempts = defaults.connectAttempts;
  return spec;
}

function keyChecking(provision: unknown, ansible: boolean | undefined): ConnectionSpec['hostKeyChecking'] | undefined {
  if (provision === 'strict' || provision === 'accept-new' || provision === 'off') return provision;
  const b = typeof provision === 'boolean' ? provision : ansible;
  return b === undefined ? undefined : b ? 'strict' : 'off';
}
