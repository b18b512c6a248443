/**
 * Authentication for one connection: builds the ordered list of methods (agent, key file,
 * password / keyboard-interactive) and remembers which ones were really tried, for the AuthError.
 */
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import ssh2 from 'ssh2';
import type { AnyAuthMethod, AuthHandlerMiddleware, ParsedKey } from 'ssh2';
import { AuthError } from '../core/errors.ts';
import type { ConnectionSpec } from './types.ts';

/** An auth attempt plus the label shown in messages. */
interface Attempt {
  label: string;
  method: AnyAuthMethod;
}

/** The auth handler for ssh2 and a record of what it tried. */
export interface AuthPlan {
  handler: AuthHandlerMiddleware;
  /** Labels of the methods actually attempted, in order. */
  tried: string[];
  /** Methods the server said it accepts (from its last failure reply). */
  serverAllows: string[];
  /** Labels of every configured method (also those never reached). */
  configured: string[];
}

function where(spec: ConnectionSpec): string {
  return `${spec.user}@${spec.host}:${spec.port} (${spec.name})`;
}

/**
 * Parsing a key costs ~5 ms (ssh2 rebuilds its PEM form with regular expressions), and every host of
 * a run is usually reached with the same key: parse each distinct key text and passphrase once.
 */
const PARSED = new Map<string, { data: Buffer; key: ReturnType<typeof ssh2.utils.parseKey> }>();
function parseOnce(data: Buffer, passphrase: string | undefined): ReturnType<typeof ssh2.utils.parseKey> {
  const id = `${passphrase ?? ''}\0${data.length}`;
  const hit = PARSED.get(id);
  if (hit && hit.data.equals(data)) return hit.key;
  const key = ssh2.utils.parseKey(data, passphrase);
  PARSED.set(id, { data, key });
  return key;
}

/** Read and decrypt a private key file, turning every failure into an actionable AuthError. */
export function loadPrivateKey(spec: ConnectionSpec, file: string): ParsedKey {
  let data: Buffer;
  try {
    data = readFileSync(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? String(err);
    return fail(
      `cannot read private key file ${file} for ${where(spec)}: ${code}`,
      spec,
      err,
      'Check ansible_ssh_private_key_file in the inventory: the file must exist and be readable by you.',
    );
  }
  const parsed = parseOnce(data, spec.passphrase);
  if (parsed instanceof Error) {
    const encrypted = /Encrypted|passphrase/i.test(parsed.message);
    const reason = !encrypted
      ? `not a usable private key (${parsed.message})`
      : spec.passphrase === undefined
        ? 'the key is encrypted and no passphrase was given'
        : 'the passphrase is wrong (the key could not be decrypted)';
    return fail(
      `private key file ${file} for ${where(spec)}: ${reason}`,
      spec,
      parsed,
      encrypted
        ? 'Give the right key passphrase, or load the key into ssh-agent (ssh-add) and enable the agent.'
        : 'Point ansible_ssh_private_key_file at an OpenSSH or PEM private key (not the .pub file).',
    );
  }
  const key = Array.isArray(parsed) ? (parsed[0] as ParsedKey) : parsed;
  return key;
}

function fail(message: string, spec: ConnectionSpec, cause: unknown, hint: string): never {
  throw new AuthError(message, { host: spec.name, hint, cause });
}

/** Default identities OpenSSH would try when none is configured; unreadable ones are skipped. */
function defaultKeys(spec: ConnectionSpec): Attempt[] {
  const out: Attempt[] = [];
  for (const name of ['id_ed25519', 'id_ecdsa', 'id_rsa']) {
    const file = join(homedir(), '.ssh', name);
    if (!existsSync(file)) continue;
    try {
      const key = loadPrivateKey(spec, file);
      out.push({ label: `publickey (${file})`, method: { type: 'publickey', username: spec.user, key } });
    } catch {
      // An encrypted default key without a passphrase is simply not usable here.
    }
  }
  return out;
}

/** IdentityFile keys from the ssh args or ~/.ssh/config: as in ssh, a missing or locked one is skipped. */
function identityKeys(spec: ConnectionSpec, files: string[]): Attempt[] {
  const out: Attempt[] = [];
  for (const file of files) {
    if (file === spec.privateKeyFile || !existsSync(file)) continue;
    try {
      out.push({ label: `publickey (${file})`, method: { type: 'publickey', username: spec.user, key: loadPrivateKey(spec, file) } });
    } catch {
      // Not usable here (encrypted without a passphrase, not a key): ssh would skip it too.
    }
  }
  return out;
}

/** Build the auth plan. Throws AuthError up front for unreadable/undecryptable key files. */
export function planAuth(spec: ConnectionSpec, identityFiles: string[] = []): AuthPlan {
  const attempts: Attempt[] = [];
  const configured: string[] = [];
  const sock = process.env.SSH_AUTH_SOCK;
  if (spec.agent) {
    if (sock) attempts.push({ label: `agent (${sock})`, method: { type: 'agent', username: spec.user, agent: sock } });
    else configured.push('agent (SSH_AUTH_SOCK not set)');
  }
  const extra = identityKeys(spec, identityFiles);
  if (spec.privateKeyFile) {
    const key = loadPrivateKey(spec, spec.privateKeyFile);
    attempts.push({ label: `publickey (${spec.privateKeyFile})`, method: { type: 'publickey', username: spec.user, key } });
    attempts.push(...extra);
  } else if (identityFiles.length) {
    attempts.push(...extra);
  } else if (spec.password === undefined) {
    attempts.push(...defaultKeys(spec));
  }
  const password = spec.password;
  if (password !== undefined) {
    attempts.push({ label: 'password', method: { type: 'password', username: spec.user, password } });
    attempts.push({
      label: 'keyboard-interactive',
      method: {
        type: 'keyboard-interactive',
        username: spec.user,
        // Answer every prompt with the password, as ssh with PasswordAuthentication over PAM would.
        prompt: (_n, _i, _l, prompts, finish) => finish(prompts.map(() => password)),
      },
    });
  }
  configured.unshift(...attempts.map((a) => a.label));
  const plan: AuthPlan = { tried: [], serverAllows: [], configured, handler: () => undefined };
  let i = 0;
  plan.handler = (methodsLeft, _partial, next) => {
    if (Array.isArray(methodsLeft)) plan.serverAllows = [...methodsLeft];
    while (i < attempts.length) {
      const a = attempts[i++] as Attempt;
      const type = a.method.type === 'agent' ? 'publickey' : a.method.type;
      // Skip what the server already said it does not accept.
      if (Array.isArray(methodsLeft) && !methodsLeft.includes(type)) continue;
      plan.tried.push(a.label);
      return next(a.method);
    }
    return next(false as never);
  };
  return plan;
}

/** The AuthError for a server that rejected every method we tried. */
export function authFailed(spec: ConnectionSpec, plan: AuthPlan, cause: unknown): AuthError {
  const tried = plan.tried.length > 0 ? plan.tried.join(', ') : 'none';
  const notTried = plan.configured.filter((c) => !plan.tried.includes(c));
  const allows = plan.serverAllows.length > 0 ? `; server accepts: ${plan.serverAllows.join(', ')}` : '';
  const skipped = notTried.length > 0 ? `; not usable: ${notTried.join(', ')}` : '';
  return new AuthError(`authentication failed for ${where(spec)}: tried ${tried}${skipped}${allows}`, {
    host: spec.name,
    cause,
    hint:
      plan.configured.length === 0
        ? 'No credentials configured: set ansible_ssh_private_key_file or ansible_password, or load a key into ssh-agent.'
        : `Check that the key's public half is in ~${spec.user}/.ssh/authorized_keys on the host, and ansible_user is right.`,
  });
}
