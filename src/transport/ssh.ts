/**
 * The SSH transport: one ssh2 connection per host, many exec channels on it. Commands are
 * run as given (callers build them with `sh`/`quote`), sent on stdin (stdin-script.ts), never in
 * the remote command line; become wraps the fixed bootstrap in sudo.
 */
import type { Client } from 'ssh2';
import { CommandError, ConnectError } from '../core/errors.ts';
import { needsBecome, wrapBecome } from './become.ts';
import { ABSENT_CODE, readScript, writeScript, type WriteOptions } from './remote-file.ts';
import { openConnection } from './ssh-connect.ts';
import { runChannel, withTimeout } from './ssh-exec.ts';
import { viaStdin } from './stdin-script.ts';
import type { ConnectionSpec, ExecOptions, ExecResult, Transport, TransportStats } from './types.ts';

/** Channels open at once on one connection; OpenSSH's MaxSessions defaults to 10. */
export const MAX_CHANNELS = 8;

export class SshTransport implements Transport {
  readonly stats: TransportStats = { connections: 0, roundTrips: 0, waitMs: 0, connectMs: 0 };
  private active = 0;
  private readonly waiting: Array<() => void> = [];
  private closed = false;
  /** Why the connection dropped, when it did. */
  private lost?: Error;

  private constructor(
    readonly spec: ConnectionSpec,
    private readonly client: Client,
  ) {
    this.stats.connections = 1;
    client.on('error', (err) => (this.lost = err));
    client.on('close', () => (this.closed = true));
  }

  /** Connect (with retries for refused/timed-out setups). Throws ConnectError/AuthError/HostKeyError. */
  static async connect(spec: ConnectionSpec): Promise<SshTransport> {
    const started = performance.now();
    const t = new SshTransport(spec, await openConnection(spec));
    t.stats.connectMs = performance.now() - started;
    return t;
  }

  async exec(command: string, opts: ExecOptions = {}): Promise<ExecResult> {
    if (this.closed) {
      const why = this.lost ? `: ${this.lost.message}` : '';
      throw new ConnectError(`connection to ${this.spec.name} is closed${why}`, {
        host: this.spec.name,
        hint: 'The host dropped the SSH connection (reboot, sshd restart, network); run again.',
      });
    }
    const data = typeof opts.stdin === 'string' ? Buffer.from(opts.stdin) : opts.stdin;
    // The command itself goes on stdin: only a fixed bootstrap is in the remote command line.
    const { command: boot, stdin } = viaStdin(command, data);
    const timed = opts.timeoutMs !== undefined ? withTimeout(boot, opts.timeoutMs) : boot;
    // Timeout inside sudo, so the (root) timeout process can kill the (root) command.
    const become = needsBecome(this.spec, opts.become) ? wrapBecome(this.spec, timed) : undefined;
    await this.acquire();
    this.stats.roundTrips++;
    const started = performance.now();
    try {
      return await runChannel(this.client, this.spec, timed, { stdin, timeoutMs: opts.timeoutMs, become });
    } finally {
      this.stats.waitMs! += performance.now() - started;
      this.release();
    }
  }

  async readFile(path: string): Promise<Buffer | null> {
    const r = await this.exec(readScript(path));
    if (r.code === ABSENT_CODE) return null;
    if (r.code !== 0) throw this.fileError('read', path, r);
    return r.stdoutBuf;
  }

  async writeFile(path: string, data: Buffer, opts: WriteOptions = {}): Promise<void> {
    const r = await this.exec(writeScript(path, opts), { stdin: data });
    if (r.code !== 0) throw this.fileError('write', path, r);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 2_000);
      this.client.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      this.client.end();
    });
    this.closed = true;
  }

  private fileError(verb: string, path: string, r: ExecResult): CommandError {
    const stderr = r.stderr.trim();
    return new CommandError(
      `cannot ${verb} ${path} on ${this.spec.name}: ${stderr || `exit code ${r.code}`}`,
      { command: `${verb}File ${path}`, code: r.code, stderr },
      {
        host: this.spec.name,
        hint: this.spec.become
          ? 'Check the path and its parent directory on the host.'
          : 'Check the path; if it needs root, enable become for this host or task.',
      },
    );
  }

  private async acquire(): Promise<void> {
    if (this.active < MAX_CHANNELS) {
      this.active++;
      return;
    }
    // The releasing exec hands its slot over directly, so `active` stays unchanged.
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.active--;
  }
}
