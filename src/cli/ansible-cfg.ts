/**
 * ansible.cfg and ANSIBLE_* environment variables, for the settings provision shares with Ansible.
 * The file is the first of `$ANSIBLE_CONFIG` (a file, or a directory holding ansible.cfg),
 * `./ansible.cfg` (unless the directory is world-writable, as Ansible refuses it), `~/.ansible.cfg`,
 * `/etc/ansible/ansible.cfg`; an environment variable beats the file, a command-line flag beats both.
 * Paths in the file are relative to the file's directory; in the environment, to the current one.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { UsageError } from '../core/errors.ts';

// Ansible's boolean(); written here rather than imported so --help does not load the YAML parser.
const toBool = (v: string): boolean | undefined => {
  const s = v.trim().toLowerCase();
  return ['y', 'yes', 'on', '1', 'true', 't'].includes(s) ? true : ['n', 'no', 'off', '0', 'false', 'f'].includes(s) ? false : undefined;
};
/** The settings read from ansible.cfg / ANSIBLE_*; absent when neither sets them. */
export interface AnsibleSettings {
  /** The config file read, if any. */
  file?: string;
  inventory?: string[];
  remoteUser?: string;
  privateKeyFile?: string;
  forks?: number;
  hostKeyChecking?: boolean;
  become?: boolean;
  becomeUser?: string;
  becomeMethod?: string;
  becomeAskPass?: boolean;
  askPass?: boolean;
  rolesPath?: string[];
  vaultPasswordFile?: string;
  vaultIdentityList?: string[];
  askVaultPass?: boolean;
  /** Connection timeout, seconds. */
  timeout?: number;
  sshCommonArgs?: string;
  sshExtraArgs?: string;
  sshArgs?: string;
}

type Kind = 'str' | 'path' | 'pathlist' | 'pathspec' | 'bool' | 'int' | 'list';

/** setting → [section, key in the file, environment variable, kind]. */
const SETTINGS: Record<Exclude<keyof AnsibleSettings, 'file'>, [string, string, string, Kind]> = {
  inventory: ['defaults', 'inventory', 'ANSIBLE_INVENTORY', 'pathlist'],
  remoteUser: ['defaults', 'remote_user', 'ANSIBLE_REMOTE_USER', 'str'],
  privateKeyFile: ['defaults', 'private_key_file', 'ANSIBLE_PRIVATE_KEY_FILE', 'path'],
  forks: ['defaults', 'forks', 'ANSIBLE_FORKS', 'int'],
  hostKeyChecking: ['defaults', 'host_key_checking', 'ANSIBLE_HOST_KEY_CHECKING', 'bool'],
  askPass: ['defaults', 'ask_pass', 'ANSIBLE_ASK_PASS', 'bool'],
  rolesPath: ['defaults', 'roles_path', 'ANSIBLE_ROLES_PATH', 'pathspec'],
  vaultPasswordFile: ['defaults', 'vault_password_file', 'ANSIBLE_VAULT_PASSWORD_FILE', 'path'],
  vaultIdentityList: ['defaults', 'vault_identity_list', 'ANSIBLE_VAULT_IDENTITY_LIST', 'list'],
  askVaultPass: ['defaults', 'ask_vault_pass', 'ANSIBLE_ASK_VAULT_PASS', 'bool'],
  timeout: ['defaults', 'timeout', 'ANSIBLE_TIMEOUT', 'int'],
  become: ['privilege_escalation', 'become', 'ANSIBLE_BECOME', 'bool'],
  becomeUser: ['privilege_escalation', 'become_user', 'ANSIBLE_BECOME_USER', 'str'],
  becomeMethod: ['privilege_escalation', 'become_method', 'ANSIBLE_BECOME_METHOD', 'str'],
  becomeAskPass: ['privilege_escalation', 'become_ask_pass', 'ANSIBLE_BECOME_ASK_PASS', 'bool'],
  sshArgs: ['ssh_connection', 'ssh_args', 'ANSIBLE_SSH_ARGS', 'str'],
  sshCommonArgs: ['ssh_connection', 'ssh_common_args', 'ANSIBLE_SSH_COMMON_ARGS', 'str'],
  sshExtraArgs: ['ssh_connection', 'ssh_extra_args', 'ANSIBLE_SSH_EXTRA_ARGS', 'str'],
};

/** Sections of an INI file as Python's configparser reads it (`;` also starts an inline comment, as in Ansible). */
export function parseCfg(text: string): Map<string, Map<string, { value: string; line: number }>> {
  const out = new Map<string, Map<string, { value: string; line: number }>>();
  let section: Map<string, { value: string; line: number }> | undefined;
  let last: { value: string; line: number } | undefined;
  text.split(/\r?\n/).forEach((raw, i) => {
    if (/^\s*([#;]|$)/.test(raw)) return;
    // An indented line continues the value above it.
    if (/^\s/.test(raw) && last) {
      last.value += `\n${raw.trim()}`;
      return;
    }
    const head = /^\[([^\]]+)\]/.exec(raw);
    if (head) {
      const name = head[1]!.trim();
      section = out.get(name) ?? new Map();
      out.set(name, section);
      last = undefined;
      return;
    }
    const kv = /^([^=:]+?)\s*[=:]\s*(.*)$/.exec(raw);
    if (!section || !kv) return;
    last = { value: kv[2]!.replace(/\s+;.*$/, '').trim(), line: i + 1 };
    section.set(kv[1]!.trim().toLowerCase(), last);
  });
  return out;
}

function worldWritable(dir: string): boolean {
  try {
    return (statSync(dir).mode & 0o002) !== 0;
  } catch {
    return false;
  }
}

/** The config file Ansible would read, or undefined. */
export function findConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): string | undefined {
  const given = env.ANSIBLE_CONFIG;
  if (given) {
    const p = resolve(cwd, given.replace(/^~(?=\/|$)/, homedir()));
    const file = existsSync(p) && statSync(p).isDirectory() ? join(p, 'ansible.cfg') : p;
    if (existsSync(file)) return file;
  }
  const candidates = [
    ...(worldWritable(cwd) ? [] : [join(cwd, 'ansible.cfg')]),
    join(homedir(), '.ansible.cfg'),
    '/etc/ansible/ansible.cfg',
  ];
  return candidates.find((f) => existsSync(f));
}

function convert(kind: Kind, raw: string, base: string, where: string): unknown {
  const path = (p: string) => {
    const t = p.trim().replace(/^~(?=\/|$)/, homedir());
    return isAbsolute(t) ? t : resolve(base, t);
  };
  if (kind === 'path') return path(raw);
  if (kind === 'pathlist')
    return raw
      .split(',')
      .filter((s) => s.trim())
      .map(path);
  if (kind === 'pathspec')
    return raw
      .split(':')
      .filter((s) => s.trim())
      .map(path);
  if (kind === 'list')
    return raw
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  if (kind === 'bool') {
    const b = toBool(raw);
    if (b === undefined) throw new UsageError(`${where}: \`${raw}\` is not a boolean`, { hint: 'use True/False (yes/no, 1/0 also work)' });
    return b;
  }
  if (kind === 'int') {
    const n = Number(raw.trim());
    if (!Number.isInteger(n) || n < 1) throw new UsageError(`${where}: \`${raw}\` is not a whole number ≥ 1`, { hint: 'write e.g. 10' });
    return n;
  }
  return raw;
}

/** Read ansible.cfg (found as Ansible finds it) and ANSIBLE_* for the settings above. */
export function ansibleSettings(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): AnsibleSettings {
  const file = findConfig(env, cwd);
  const cfg = file ? parseCfg(readFileSync(file, 'utf8')) : new Map();
  const out: AnsibleSettings = file ? { file } : {};
  for (const [name, [section, key, envName, kind]] of Object.entries(SETTINGS)) {
    const fromEnv = env[envName];
    const entry = cfg.get(section)?.get(key);
    const value =
      fromEnv !== undefined && fromEnv !== ''
        ? convert(kind, fromEnv, cwd, envName)
        : entry !== undefined
          ? convert(kind, entry.value, dirname(file!), `${file}:${entry.line}: ${key}`)
          : undefined;
    if (value !== undefined) (out as Record<string, unknown>)[name] = value;
  }
  return out;
}
