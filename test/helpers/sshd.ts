/**
 * A real OpenSSH server for transport tests: `/usr/sbin/sshd -D -e -f <config>` on 127.0.0.1,
 * with its own temp dir, host key, client keys and authorized_keys, plus two non-root users
 * for become tests (one NOPASSWD sudo rule, one that needs a password). Needs root and sudo.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Non-root user with a NOPASSWD sudo rule. */
export const NOPASSWD_USER = 'pvtest';
/** Non-root user whose sudo rule needs its password. */
export const PASSWORD_USER = 'pvpass';
/** The login and sudo password of PASSWORD_USER. */
export const PASSWORD_USER_PASSWORD = 'pv-Secret-42';
/** Passphrase of the encrypted client key. */
export const KEY_PASSPHRASE = 'correct horse battery';

export interface TestSshd {
  host: '127.0.0.1';
  port: number;
  /** Temp dir holding everything of this server. */
  dir: string;
  /** Unencrypted client key, authorized for root and both test users. */
  keyPath: string;
  /** Encrypted client key (KEY_PASSPHRASE), authorized for root. */
  passphraseKeyPath: string;
  /** A valid key that no user authorizes. */
  unauthorizedKeyPath: string;
  /** known_hosts with the server's key as `[127.0.0.1]:port`. */
  knownHostsPath: string;
  /** The server's host key line (`ssh-ed25519 AAAA…`). */
  hostPublicKey: string;
  /** `SHA256:…` fingerprint of the host key. */
  hostKeyFingerprint: string;
  /** The server's log so far (sshd -e writes to stderr). */
  log(): string;
  /** Stop this sshd (by its PID only) and remove its temp dir. */
  stop(): Promise<void>;
}

function run(cmd: string, args: string[], input?: string): string {
  return execFileSync(cmd, args, { encoding: 'utf8', input, stdio: ['pipe', 'pipe', 'pipe'] });
}

function keygen(path: string, passphrase = ''): string {
  run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', passphrase, '-C', 'provision-test', '-f', path]);
  return readFileSync(`${path}.pub`, 'utf8').trim();
}

/** A free loopback port (closed again, so sshd can bind it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => resolve(typeof addr === 'object' && addr ? addr.port : 0));
    });
  });
}

function userExists(user: string): boolean {
  try {
    run('id', ['-u', user]);
    return true;
  } catch {
    return false;
  }
}

/** Create the test users and sudo rules (idempotent; test files may race here). */
export function ensureTestUsers(): void {
  if (!existsSync('/usr/bin/sudo')) run('apt-get', ['install', '-y', '-q', 'sudo']);
  for (const user of [NOPASSWD_USER, PASSWORD_USER]) {
    if (userExists(user)) continue;
    try {
      run('useradd', ['-m', '-s', '/bin/sh', user]);
    } catch (err) {
      if (!userExists(user)) throw err;
    }
  }
  // A set password also unlocks the account: sshd without PAM refuses locked (`!`) accounts.
  run('chpasswd', [], `${NOPASSWD_USER}:nopasswd-${process.pid}-unused\n${PASSWORD_USER}:${PASSWORD_USER_PASSWORD}\n`);
  const rules =
    `${NOPASSWD_USER} ALL=(ALL) NOPASSWD: ALL\n` + `${PASSWORD_USER} ALL=(ALL) ALL\n` + `Defaults:${PASSWORD_USER} lecture=never\n`;
  const tmp = `/etc/sudoers.d/.provision-test.${process.pid}`;
  writeFileSync(tmp, rules, { mode: 0o440 });
  run('visudo', ['-c', '-q', '-f', tmp]);
  renameSync(tmp, '/etc/sudoers.d/provision-test');
}

/**
 * Start a fresh sshd on a free loopback port; resolves once it is listening.
 * @param opts.logLevel e.g. `DEBUG1`, so a jump host's log shows the channels it forwards.
 */
export async function startSshd(opts: { logLevel?: string } = {}): Promise<TestSshd> {
  ensureTestUsers();
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  const dir = mkdtempSync(join(tmpdir(), 'provision-sshd-'));
  chmodSync(dir, 0o755);
  const hostKey = join(dir, 'ssh_host_ed25519_key');
  const hostPublicKey = keygen(hostKey).split(' ').slice(0, 2).join(' ');
  const keyPath = join(dir, 'client_key');
  const passphraseKeyPath = join(dir, 'client_key_enc');
  const unauthorizedKeyPath = join(dir, 'client_key_other');
  const plainPub = keygen(keyPath);
  const encPub = keygen(passphraseKeyPath, KEY_PASSPHRASE);
  keygen(unauthorizedKeyPath);
  const akDir = join(dir, 'authorized_keys');
  mkdirSync(akDir, { mode: 0o755 });
  writeFileSync(join(akDir, 'root'), `${plainPub}\n${encPub}\n`, { mode: 0o644 });
  writeFileSync(join(akDir, NOPASSWD_USER), `${plainPub}\n`, { mode: 0o644 });
  writeFileSync(join(akDir, PASSWORD_USER), `${plainPub}\n`, { mode: 0o644 });
  const port = await freePort();
  const config = join(dir, 'sshd_config');
  writeFileSync(
    config,
    [
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${hostKey}`,
      `PidFile ${join(dir, 'sshd.pid')}`,
      `AuthorizedKeysFile ${akDir}/%u`,
      'UsePAM no',
      'StrictModes no',
      'PermitRootLogin prohibit-password',
      'PubkeyAuthentication yes',
      'PasswordAuthentication yes',
      'KbdInteractiveAuthentication no',
      'Subsystem sftp internal-sftp',
      `LogLevel ${opts.logLevel ?? 'VERBOSE'}`,
      '',
    ].join('\n'),
  );
  const knownHostsPath = join(dir, 'known_hosts');
  writeFileSync(knownHostsPath, `[127.0.0.1]:${port} ${hostPublicKey}\n`);
  const fp = run('ssh-keygen', ['-l', '-E', 'sha256', '-f', `${hostKey}.pub`]).split(' ')[1] ?? '';
  const child = spawn('/usr/sbin/sshd', ['-D', '-e', '-f', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr?.on('data', (c: Buffer) => (log += c.toString()));
  await waitListening(child, port, () => log);
  return {
    host: '127.0.0.1',
    port,
    dir,
    keyPath,
    passphraseKeyPath,
    unauthorizedKeyPath,
    knownHostsPath,
    hostPublicKey,
    hostKeyFingerprint: fp,
    log: () => log,
    stop: () => stopChild(child, dir),
  };
}

function waitListening(child: ChildProcess, port: number, log: () => string): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error(`sshd did not listen within 10 s:\n${log()}`)), 10_000);
    const poll = setInterval(() => {
      if (log().includes(`Server listening on 127.0.0.1 port ${port}`)) finish();
    }, 20);
    const onExit = (code: number | null): void => fail(new Error(`sshd exited (${code}):\n${log()}`));
    child.once('exit', onExit);
    function finish(): void {
      clearTimeout(timer);
      clearInterval(poll);
      child.off('exit', onExit);
      resolve();
    }
    function fail(err: Error): void {
      finish();
      if (child.exitCode === null) child.kill('SIGTERM');
      reject(err);
    }
  });
}

async function stopChild(child: ChildProcess, dir: string): Promise<void> {
  if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    process.kill(child.pid, 'SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 3_000))]);
  }
  rmSync(dir, { recursive: true, force: true });
}
