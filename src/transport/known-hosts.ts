/**
 * known_hosts checking, compatible with OpenSSH: plain names, `[host]:port`, comma lists,
 * wildcards and negation, hashed names (`|1|salt|hash`, HMAC-SHA1), `@revoked` markers.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, openSync, readFileSync, readSync, closeSync, fstatSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { HostKeyError } from '../core/errors.ts';

/** One key line of a known_hosts file. */
export interface KnownHostEntry {
  /** 1-based line number in the file. */
  line: number;
  /** `@revoked` or `@cert-authority` when present. */
  marker?: string;
  /** The host-name field, exactly as written (comma list or hashed). */
  names: string;
  keyType: string;
  /** The raw SSH wire-format key blob. */
  key: Buffer;
}

/** What to do with an unknown host key. */
export type HostKeyChecking = 'strict' | 'accept-new' | 'off';

/** Default file used when the inventory gives none. */
export function defaultKnownHostsFile(): string {
  return join(homedir(), '.ssh', 'known_hosts');
}

/** OpenSSH's fingerprint: `SHA256:` + unpadded base64 of the key blob's SHA-256. */
export function fingerprint(key: Buffer): string {
  return 'SHA256:' + createHash('sha256').update(key).digest('base64').replace(/=+$/, '');
}

/** The key type (first string field) of an SSH wire-format key blob. */
export function keyTypeOf(key: Buffer): string {
  if (key.length < 4) return 'unknown';
  const len = key.readUInt32BE(0);
  return key.subarray(4, 4 + len).toString('latin1');
}

/** The name OpenSSH looks up: `host` on port 22, `[host]:port` otherwise. */
export function lookupName(host: string, port: number): string {
  const h = host.toLowerCase();
  return port === 22 ? h : `[${h}]:${port}`;
}

function globToRegExp(pattern: string): RegExp {
  const body = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${body}$`, 'i');
}

function hashedMatches(field: string, name: string): boolean {
  const parts = field.split('|');
  if (parts.length !== 4 || parts[1] !== '1') return false;
  const salt = Buffer.from(parts[2] ?? '', 'base64');
  const want = Buffer.from(parts[3] ?? '', 'base64');
  const got = createHmac('sha1', salt).update(name).digest();
  return want.length === got.length && timingSafeEqual(want, got);
}

/** Whether a host-name field (hashed, or a comma list of patterns) matches `name`. */
export function namesMatch(field: string, name: string): boolean {
  if (field.startsWith('|')) return hashedMatches(field, name);
  let matched = false;
  for (const raw of field.split(',')) {
    const negated = raw.startsWith('!');
    const pattern = negated ? raw.slice(1) : raw;
    if (!globToRegExp(pattern).test(name)) continue;
    // A matching negated pattern vetoes the whole line, as in OpenSSH.
    if (negated) return false;
    matched = true;
  }
  return matched;
}

/** Parse a known_hosts file; a missing file is empty. Malformed lines are skipped. */
export function readKnownHosts(file: string): KnownHostEntry[] {
  if (!existsSync(file)) return [];
  const out: KnownHostEntry[] = [];
  readFileSync(file, 'utf8')
    .split('\n')
    .forEach((text, i) => {
      const t = text.trim();
      if (t === '' || t.startsWith('#')) return;
      const fields = t.split(/\s+/);
      const marker = fields[0]?.startsWith('@') ? fields.shift() : undefined;
      const [names, keyType, b64] = fields;
      if (!names || !keyType || !b64) return;
      const key = Buffer.from(b64, 'base64');
      if (keyTypeOf(key) !== keyType) return;
      out.push({ line: i + 1, marker, names, keyType, key });
    });
  return out;
}

/** Host key algorithms in ssh2's default order, grouped by the key type they use. */
const ALGOS_BY_KEY_TYPE: Record<string, string[]> = {
  'ssh-ed25519': ['ssh-ed25519'],
  'ecdsa-sha2-nistp256': ['ecdsa-sha2-nistp256'],
  'ecdsa-sha2-nistp384': ['ecdsa-sha2-nistp384'],
  'ecdsa-sha2-nistp521': ['ecdsa-sha2-nistp521'],
  'ssh-rsa': ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'],
};

/**
 * Host key algorithms with the types already known for this host first, so the server offers
 * a key we can compare (what OpenSSH does). Undefined when nothing is known.
 */
export function preferredHostKeyAlgorithms(file: string, host: string, port: number): string[] | undefined {
  const name = lookupName(host, port);
  const known = readKnownHosts(file).filter((e) => !e.marker && namesMatch(e.names, name));
  if (known.length === 0) return undefined;
  const first = known.flatMap((e) => ALGOS_BY_KEY_TYPE[e.keyType] ?? []);
  const rest = Object.values(ALGOS_BY_KEY_TYPE)
    .flat()
    .filter((a) => !first.includes(a));
  return [...new Set(first), ...rest];
}

/** Append one line; a single O_APPEND write so concurrent writers never interleave. */
function appendEntry(file: string, name: string, key: Buffer): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  let prefix = '';
  if (existsSync(file)) {
    const fd = openSync(file, 'r');
    try {
      const size = fstatSync(fd).size;
      const last = Buffer.alloc(1);
      if (size > 0 && readSync(fd, last, 0, 1, size - 1) === 1 && last[0] !== 0x0a) prefix = '\n';
    } finally {
      closeSync(fd);
    }
  }
  appendFileSync(file, `${prefix}${name} ${keyTypeOf(key)} ${key.toString('base64')}\n`, { mode: 0o600 });
}

/** Inputs of a host key decision. */
export interface HostKeyCheck {
  /** Inventory name, for messages. */
  hostName: string;
  host: string;
  port: number;
  mode: HostKeyChecking;
  /** Defaults to ~/.ssh/known_hosts. */
  file?: string;
}

/**
 * Decide on the key a server offered: null to accept (appending it under accept-new), or the
 * HostKeyError explaining the refusal. A changed key is refused in every mode but `off`.
 */
export function checkHostKey(check: HostKeyCheck, key: Buffer): HostKeyError | null {
  if (check.mode === 'off') return null;
  const file = check.file ?? defaultKnownHostsFile();
  const name = lookupName(check.host, check.port);
  const where = `${check.host}:${check.port}`;
  const offered = fingerprint(key);
  const type = keyTypeOf(key);
  const entries = readKnownHosts(file).filter((e) => namesMatch(e.names, name));
  const revoked = entries.find((e) => e.marker === '@revoked' && e.key.equals(key));
  if (revoked) {
    return new HostKeyError(`host key of ${check.hostName} (${where}) is REVOKED in ${file}:${revoked.line} (${offered})`, {
      host: check.hostName,
      hint: 'The server presents a key marked @revoked. Do not connect until the server has a new key.',
    });
  }
  const plain = entries.filter((e) => !e.marker);
  if (plain.some((e) => e.key.equals(key))) return null;
  const changed = plain.find((e) => e.keyType === type);
  if (changed) {
    return new HostKeyError(
      `HOST KEY CHANGED for ${check.hostName} (${where}): known ${fingerprint(changed.key)} ` +
        `(${file}:${changed.line}), offered ${offered} (${type}). Someone could be intercepting the connection.`,
      {
        host: check.hostName,
        hint: `If the host was really reinstalled, remove the old entry with: ssh-keygen -R '${name}' -f ${file} — then connect again.`,
      },
    );
  }
  if (check.mode === 'accept-new') {
    appendEntry(file, name, key);
    return null;
  }
  const other = plain.length > 0 ? ` (known with other key types: ${plain.map((e) => e.keyType).join(', ')})` : '';
  return new HostKeyError(`unknown host key for ${check.hostName} (${where}): ${type} ${offered}${other}, not in ${file}`, {
    host: check.hostName,
    hint:
      `Verify the fingerprint, then add it with: ssh-keyscan -p ${check.port} ${check.host} >> ${file} — ` +
      'or run with --host-key-checking accept-new to trust it on first connect.',
  });
}
