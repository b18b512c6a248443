/**
 * OpenSSH client options as `ssh` reads them: from its command line (Ansible's
 * `ansible_ssh_common_args`/`_extra_args`/`ssh_args`: `-o Name=value`, `-J`, `-i`, `-p`, `-l`, `-F`)
 * and then from the user's ~/.ssh/config (`Host` blocks, parsed and matched by the npm
 * `ssh-config` library). As in ssh, the first value obtained for an option wins; IdentityFile adds up.
 */
import { existsSync, readFileSync } from 'node:fs';
import { homedir, userInfo } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import SSHConfig from 'ssh-config';
import { ConnectError } from '../core/errors.ts';

/** Options by lower-case OpenSSH name; `identityfile` collects every value. */
export interface SshOptions {
  options: Record<string, string>;
  identityFiles: string[];
  /** `-F file`: the config file to read instead of ~/.ssh/config (`none`: no file). */
  configFile?: string;
}

/** The options ssh-on-a-command-line would take from these args (unknown flags are ignored, as they change nothing we do). */
export function parseSshArgs(words: string[], into: SshOptions = { options: {}, identityFiles: [] }): SshOptions {
  const set = (name: string, value: string) => {
    const key = name.toLowerCase();
    if (key === 'identityfile') into.identityFiles.push(value);
    else if (!(key in into.options)) into.options[key] = value;
  };
  const FLAGS: Record<string, string> = { '-J': 'proxyjump', '-p': 'port', '-l': 'user', '-i': 'identityfile' };
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    const flag = w.slice(0, 2);
    const inline = w.length > 2 ? w.slice(2) : undefined;
    const value = () => inline ?? words[++i] ?? '';
    if (flag === '-o') {
      const opt = value();
      const m = /^\s*([A-Za-z]+)\s*(?:=|\s)\s*(.*)$/.exec(opt);
      if (m) set(m[1]!, m[2]!.trim());
    } else if (flag === '-F') into.configFile ??= value();
    else if (FLAGS[flag]) set(FLAGS[flag], value());
    else if (/^-[46ACGKMNTXYacfgkqstvxy]+$/.test(w))
      continue; // flags without an argument
    else if (/^-[BDELOQRSWbcemw]$/.test(w)) i++; // flags with an argument we have no use for
  }
  return into;
}

/** Expand ssh's `%` tokens and a leading `~`. */
export function expandTokens(value: string, t: { host: string; port: number; user: string; original: string }): string {
  const map: Record<string, string> = {
    '%': '%',
    h: t.host,
    p: String(t.port),
    r: t.user,
    n: t.original,
    d: homedir(),
    u: userInfo().username,
  };
  const out = value.replace(/%(.)/g, (m, c: string) => map[c] ?? m);
  return out.startsWith('~/') || out === '~' ? join(homedir(), out.slice(2)) : out;
}

const cache = new Map<string, SSHConfig | null>();

function readConfig(file: string): SSHConfig | null {
  if (!cache.has(file)) {
    let parsed: SSHConfig | null = null;
    if (existsSync(file)) {
      try {
        parsed = SSHConfig.parse(readFileSync(file, 'utf8'));
      } catch (cause) {
        throw new ConnectError(`${file}: cannot parse the SSH client config (${(cause as Error).message})`, {
          cause,
          hint: 'fix the file, or pass -F none in ansible_ssh_common_args to ignore it',
        });
      }
    }
    cache.set(file, parsed);
  }
  return cache.get(file) ?? null;
}

/** The default client config: ~/.ssh/config. */
export function defaultSshConfigFile(): string {
  return join(homedir(), '.ssh', 'config');
}

/** Add what the client config file says for `host` (its `Host` patterns matched against the name given). */
export function addConfigFile(host: string, file: string | undefined, into: SshOptions): SshOptions {
  if (file === 'none') return into;
  const path = file === undefined ? defaultSshConfigFile() : isAbsolute(file) ? file : resolve(file);
  const cfg = readConfig(path);
  if (!cfg) return into;
  for (const [name, value] of Object.entries(cfg.compute(host))) {
    const key = name.toLowerCase();
    if (key === 'host') continue;
    if (key === 'identityfile') into.identityFiles.push(...(Array.isArray(value) ? value : [value]));
    else if (!(key in into.options)) into.options[key] = Array.isArray(value) ? value.join(' ') : value;
  }
  return into;
}
