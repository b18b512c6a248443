/**
 * Opening one SSH connection: host key verification, authentication, connect timeout,
 * keepalive, and bounded retries with exponential backoff for connection setup only.
 */
import { spawn } from 'node:child_process';
import { Duplex } from 'node:stream';
import { Socket } from 'node:net';
import ssh2 from 'ssh2';
import type { Client as ClientType, ConnectConfig } from 'ssh2';
import { AuthError, ConnectError, HostKeyError } from '../core/errors.ts';
import { checkHostKey, defaultKnownHostsFile, preferredHostKeyAlgorithms } from './known-hosts.ts';
import { authFailed, planAuth } from './ssh-auth.ts';
import { resolveRoute, type Route } from './ssh-route.ts';
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
  // firewalld answers a closed port with icmp-host-prohibited, which also arrives as EHOSTUNREACH.
  EHOSTUNREACH: 'host unreachable (no route to it, or a firewall rejected the connection)',
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

/** Where the bytes of one attempt go: a stream through a jump host or a proxy command, or TCP (undefined). */
type SockFactory = () => Promise<Duplex>;

/** One connection attempt; rejects with an AttemptFailure. */
async function attempt(spec: ConnectionSpec, identityFiles: string[], sockFor?: SockFactory): Promise<ClientType> {
  const plan = planAuth(spec, identityFiles);
  const tunneled = sockFor ? await sockFor() : undefined;
  const file = spec.knownHostsFile ?? defaultKnownHostsFile();
  let hostKeyError: HostKeyError | undefined;
  const timeout = spec.connectTimeoutMs ?? CONNECT_DEFAULTS.connectTimeoutMs;
  const serverHostKey = spec.hostKeyChecking === 'off' ? undefined : preferredHostKeyAlgorithms(file, spec.host, spec.port);
  // Our own socket, so TCP_NODELAY is set before the TCP connect and covers the handshake: ssh2
  // leaves Nagle's algorithm on, and every small request/reply then waits for a delayed ACK (~40 ms).
  // Through a jump host or a ProxyCommand, the stream given is the connection.
  const tcp = tunneled ? undefined : new Socket();
  tcp?.setNoDelay(true);
  const sock = tunneled ?? tcp!;
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
      tcp?.connect({ host: spec.host, port: spec.port });
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

/** A channel from the jump host to the target, as `ssh -J` asks sshd for a direct-tcpip channel. */
function forward(jump: ClientType, via: ConnectionSpec, spec: ConnectionSpec): SockFactory {
  return () =>
    new Promise((resolve, reject) => {
      jump.forwardOut('127.0.0.1', 0, spec.host, spec.port, (err, channel) => {
        if (!err) return resolve(channel as unknown as Duplex);
        const reason = /refused/i.test(err.message) ? 'connection refused' : err.message;
        reject({ error: connectError(spec, `the jump host ${via.host} cannot reach it: ${reason}`, err), retryable: true });
      });
    });
}

/** The stdin/stdout of a ProxyCommand (run by /bin/sh, as ssh runs it), as one stream. */
function proxyCommand(spec: ConnectionSpec, command: string): SockFactory {
  return async () => {
    const child = spawn('/bin/sh', ['-c', command], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const sock = Duplex.from({ readable: child.stdout, writable: child.stdin });
    child.once('exit', (code) => {
      if (code) sock.destroy(Object.assign(new Error(`ProxyCommand exited with ${code}: ${stderr.trim() || command}`), { code: 'EPROXY' }));
    });
    sock.once('close', () => child.exitCode === null && child.kill());
    return sock;
  };
}

/** Say that the way in failed, keeping the kind of error (auth, host key, connect). */
function throughJump(err: unknown, spec: ConnectionSpec, via: ConnectionSpec): unknown {
  if (!(err instanceof ConnectError)) return err;
  const Kind = err.constructor as typeof ConnectError;
  return new Kind(`cannot reach ${spec.name} through its jump host: ${err.message}`, {
    host: spec.name,
    cause: err,
    hint: err.hint ?? `Check the jump host ${via.host} (ProxyJump in ansible_ssh_common_args or ~/.ssh/config).`,
  });
}

/**
 * Open a connection, retrying refused/timed-out/unreachable setups with exponential backoff.
 * Auth and host key failures are never retried. A jump host is connected first (and closed with it).
 */
export async function openConnection(spec: ConnectionSpec): Promise<ClientType> {
  const route: Route = resolveRoute(spec);
  const target = route.spec;
  let jump: ClientType | undefined;
  if (route.via) jump = await openConnection(route.via).catch((e: unknown) => Promise.reject(throughJump(e, target, route.via!)));
  const sockFor = jump ? forward(jump, route.via!, target) : route.proxyCommand ? proxyCommand(target, route.proxyCommand) : undefined;
  const attempts = Math.max(1, target.connectAttempts ?? CONNECT_DEFAULTS.connectAttempts);
  const delays = retryDelaysMs(attempts);
  for (let i = 1; ; i++) {
    try {
      const client = await attempt(target, route.identityFiles, sockFor);
      client.once('close', () => jump?.end());
      return client;
    } catch (f) {
      // planAuth throws AuthError directly (bad key file): not an AttemptFailure.
      if (f instanceof AuthError) {
        jump?.end();
        throw f;
      }
      const { error, retryable } = f as AttemptFailure;
      if (!retryable || i >= attempts) {
        jump?.end();
        if (i > 1) error.message += ` (after ${i} attempts)`;
        throw error;
      }
      await sleep(delays[i - 1]!);
    }
  }
}
