/**
 * Opening one SSH connection: host key verification, authentication, connect timeout,
 * keepalive, and bounded retries with exponential backoff for connection setup only.
 */
import { Socket } from 'node:net';
import ssh2 from 'ssh2';
import type { Client as ClientType, ConnectConfig } from 'ssh2';
import { AuthError, ConnectError, HostKeyError } from '../core/errors.ts';
import { checkHostKey, defaultKnownHostsFile, preferredHostKeyAlgorithms } from './known-hosts.ts';
import { authFailed, planAuth } from './ssh-auth.ts';
import type { ConnectionSpec } from './types.ts';

const { Client } = ssh2;

/** Defaults used when the spec leaves them out. */
export const CONNECT_DEFAULTS = {
  connectTimeoutMs: 10_000,
  connectAttempts: 3,
  /** First retry delay; doubled after each failed attempt. */
  retryDelayMs: 500,
  maxRetryDelayMs: 8_000,
  keepaliveIntervalMs: 15_000,
  keepaliveCountMax: 4,
};

/** Socket errors worth another attempt: the host may still be booting or sshd restarting. */
const RETRYABLE = new Set(['ECONNREFUSED', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNRESET']);

const REASONS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ETIMEDOUT: 'connection timed out',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ECONNRESET: 'connection reset during handshake',
  ENOTFOUND: 'host name not found (DNS)',
  EAI_AGAIN: 'temporary DNS failure',
};

interface AttemptFailure {
  error: ConnectError;
  retryable: boolean;
}

function connectError(spec: ConnectionSpec, reason: string, cause: unknown): ConnectError {
  const addr = `${spec.host}:${spec.port}`;
  return new ConnectError(`cannot connect to ${spec.name} (${addr}): ${reason}`, {
    host: spec.name,
    cause,
    hint:
      `Is sshd running on ${spec.host} and listening on port ${spec.port}? ` +
      'Check ansible_host / ansible_port in the inventory and any firewall in between.',
  });
}

/** One connection attempt; rejects with an AttemptFailure. */
function attempt(spec: ConnectionSpec): Promise<ClientType> {
  const plan = planAuth(spec);
  const file = spec.knownHostsFile ?? defaultKnownHostsFile();
  let hostKeyError: HostKeyError | undefined;
  const timeout = spec.connectTimeoutMs ?? CONNECT_DEFAULTS.connectTimeoutMs;
  const serverHostKey = spec.hostKeyChecking === 'off' ? undefined : preferredHostKeyAlgorithms(file, spec.host, spec.port);
  // Our own socket, so TCP_NODELAY is set before the TCP connect and covers the handshake: ssh2
  // leaves Nagle's algorithm on, and every small request/reply then waits for a delayed ACK (~40 ms).
  const sock = new Socket();
  sock.setNoDelay(true);
  const config: ConnectConfig = {
    sock,
    host: spec.host,
    port: spec.port,
    username: spec.user,
    readyTimeout: timeout,
    keepaliveInterval: CONNECT_DEFAULTS.keepaliveIntervalMs,
    keepaliveCountMax: CONNECT_DEFAULTS.keepaliveCountMax,
    authHandler: plan.handler,
    ...(serverHostKey ? { algorithms: { serverHostKey: serverHostKey as never } } : {}),
    hostVerifier: (key: Buffer): boolean => {
      hostKeyError =
        checkHostKey({ hostName: spec.name, host: spec.host, port: spec.port, mode: spec.hostKeyChecking, file }, key) ?? undefined;
      return hostKeyError === undefined;
    },
  };
  return new Promise((resolve, reject) => {
    const client = new Client();
    let settled = false;
    const done = (f: AttemptFailure | null): void => {
      if (settled) return;
      settled = true;
      if (f === null) return resolve(client);
      client.removeAllListeners('ready');
      client.end();
      reject(f);
    };
    client.once('ready', () => done(null));
    client.on('error', (err: Error & { level?: string; code?: string }) => {
      if (hostKeyError) return done({ error: hostKeyError, retryable: false });
      if (err.level === 'client-authentication') return done({ error: authFailed(spec, plan, err), retryable: false });
      if (err.level === 'client-timeout') {
        return done({ error: connectError(spec, `no SSH handshake within ${timeout} ms`, err), retryable: true });
      }
      const code = err.code ?? '';
      const reason = REASONS[code] ?? err.message;
      done({ error: connectError(spec, reason, err), retryable: RETRYABLE.has(code) });
    });
    client.on('close', () =>
      done({ error: hostKeyError ?? connectError(spec, 'connection closed during handshake', null), retryable: false }),
    );
    try {
      // Socket errors (refused, unreachable, DNS) reach the client's 'error' listener with their code.
      sock.connect({ host: spec.host, port: spec.port });
      client.connect(config);
    } catch (err) {
      done({ error: connectError(spec, (err as Error).message, err), retryable: false });
    }
  });
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The waits between `attempts` connection attempts: doubling from retryDelayMs, at most maxRetryDelayMs. */
export function retryDelaysMs(attempts: number): number[] {
  const out: number[] = [];
  for (let d = CONNECT_DEFAULTS.retryDelayMs; out.length < attempts - 1; d = Math.min(d * 2, CONNECT_DEFAULTS.maxRetryDelayMs)) out.push(d);
  return out;
}

/**
 * Open a connection, retrying refused/timed-out/unreachable setups with exponential backoff.
 * Auth and host key failures are never retried.
 */
export async function openConnection(spec: ConnectionSpec): Promise<ClientType> {
  const attempts = Math.max(1, spec.connectAttempts ?? CONNECT_DEFAULTS.connectAttempts);
  const delays = retryDelaysMs(attempts);
  for (let i = 1; ; i++) {
    try {
      return await attempt(spec);
    } catch (f) {
      // planAuth throws AuthError directly (bad key file): not an AttemptFailure.
      if (f instanceof AuthError) throw f;
      const { error, retryable } = f as AttemptFailure;
      if (!retryable || i >= attempts) {
        if (i > 1) error.message += ` (after ${i} attempts)`;
        throw error;
      }
      await sleep(delays[i - 1]!);
    }
  }
}
