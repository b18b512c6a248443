/**
 * One exec channel: collects stdout/stderr, writes stdin, enforces the timeout (code 124),
 * maps a killing signal to 128+n, and drives the sudo marker/prompt protocol from become.ts.
 */
import { constants } from 'node:os';
import type { Client, ClientChannel } from 'ssh2';
import { AuthError, ConnectError } from '../core/errors.ts';
import { quote } from '../core/quote.ts';
import type { BecomeWrap } from './become.ts';
import type { ConnectionSpec, ExecResult } from './types.ts';

/** What one channel run needs besides the command. */
export interface ChannelOptions {
  stdin?: Buffer;
  timeoutMs?: number;
  become?: BecomeWrap;
}

/** Exit code of a command killed by `signal` (`TERM`, …), as a shell reports it. */
export function signalCode(signal: string): number {
  const n = (constants.signals as Record<string, number>)[`SIG${signal.replace(/^SIG/, '')}`];
  return 128 + (n ?? 0);
}

function channelError(spec: ConnectionSpec, err: unknown): ConnectError {
  return new ConnectError(`cannot run a command on ${spec.name}: ${(err as Error).message}`, {
    host: spec.name,
    cause: err,
    hint: 'The SSH connection was lost or the server refused a new session (MaxSessions); run again.',
  });
}

function countOf(text: string, needle: string): number {
  return needle === '' ? 0 : text.split(needle).length - 1;
}

/** Run `command` on one new channel of `client`. Never rejects for a non-zero exit. */
export function runChannel(client: Client, spec: ConnectionSpec, command: string, opts: ChannelOptions): Promise<ExecResult> {
  const wrap = opts.become;
  return new Promise<ExecResult>((resolve, reject) => {
    // Listeners are attached inside exec's callback, not after an await: ssh2 can emit a fast
    // command's data, exit status and close from the same batch of packets as the channel's
    // opening, before an awaiting caller runs (seen as lost exit statuses under load).
    const onOpen = (ch: ClientChannel): void => {
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      let code: number | undefined;
      // Under become, output before the marker is sudo's; the command's starts after it.
      let started = !wrap;
      let pending = Buffer.alloc(0);
      let errText = '';
      let prompts = 0;
      const feedStdin = (): void => void ch.end(opts.stdin ?? Buffer.alloc(0));
      if (!wrap || !wrap.prompt) feedStdin();

      ch.on('data', (chunk: Buffer) => {
        if (started) return void out.push(chunk);
        pending = Buffer.concat([pending, chunk]);
        const at = pending.indexOf(`${wrap?.marker}\n`);
        if (at < 0) return;
        started = true;
        out.push(pending.subarray(at + (wrap?.marker.length ?? 0) + 1));
        if (wrap?.prompt) feedStdin();
      });
      ch.stderr.on('data', (chunk: Buffer) => {
        if (started || !wrap?.prompt) return void err.push(chunk);
        errText += chunk.toString('latin1');
        const seen = countOf(errText, wrap.prompt);
        if (seen > prompts) {
          prompts = seen;
          // A second prompt means sudo rejected the password: stop feeding it.
          if (prompts === 1) ch.write(`${wrap.password}\n`);
          else ch.close();
        }
      });
      ch.on('exit', (c: number | null, signal?: string) => {
        code = c ?? (signal ? signalCode(signal) : 255);
      });
      const started0 = Date.now();
      let settled = false;
      const finish = (timedOut: boolean): void => {
        if (settled) return;
        settled = true;
        if (timer) clearTimeout(timer);
        const stdoutBuf = Buffer.concat(out);
        let stderr = Buffer.concat(err).toString('utf8');
        if (!started && !timedOut && wrap) {
          // sudo never started the command: wrong password, no sudo rights, or sudo missing.
          const why = wrap.prompt ? errText.split(wrap.prompt).join('').trim() : stderr.trim();
          return reject(becomeError(spec, wrap, why, prompts > 1));
        }
        const expired = opts.timeoutMs !== undefined && (timedOut || (code === 124 && Date.now() - started0 >= opts.timeoutMs));
        if (expired) stderr += `${stderr && !stderr.endsWith('\n') ? '\n' : ''}provision: timed out after ${opts.timeoutMs} ms\n`;
        // No exit status: the session ended abnormally (connection lost, sshd killed).
        if (code === undefined && !timedOut) stderr += 'provision: channel closed without an exit status\n';
        resolve({ code: timedOut ? 124 : (code ?? 255), stdout: stdoutBuf.toString('utf8'), stderr, stdoutBuf });
      };
      // Backstop for when the remote `timeout` wrapper cannot act (host hung, no coreutils).
      const timer =
        opts.timeoutMs !== undefined
          ? setTimeout(() => {
              ch.signal('KILL');
              ch.close();
              finish(true);
            }, opts.timeoutMs + TIMEOUT_GRACE_MS)
          : undefined;
      ch.on('close', () => finish(false));
    };
    try {
      client.exec(wrap ? wrap.command : command, (e, ch) => (e ? reject(channelError(spec, e)) : onOpen(ch)));
    } catch (e) {
      reject(channelError(spec, e));
    }
  });
}

/** How long after the remote timeout the client gives up on the channel itself. */
export const TIMEOUT_GRACE_MS = 5_000;

/**
 * Run `command` under GNU `timeout`, which signals the command's whole process group (a
 * signal request over SSH would reach only the top shell) and exits 124; TERM, then KILL 2 s later.
 */
export function withTimeout(command: string, timeoutMs: number): string {
  const secs = String(Math.max(timeoutMs, 1) / 1000);
  const inner = quote(command);
  return `if command -v timeout >/dev/null 2>&1; then exec timeout -k 2 ${secs} sh -c ${inner}; else exec sh -c ${inner}; fi`;
}

function becomeError(spec: ConnectionSpec, wrap: BecomeWrap, why: string, badPassword: boolean): AuthError {
  const reason = badPassword ? 'sudo rejected the become password' : why || 'sudo did not start the command';
  return new AuthError(`become (sudo -u ${wrap.user}) failed on ${spec.name} as ${spec.user}: ${reason}`, {
    host: spec.name,
    hint: /password is required/.test(why)
      ? 'sudo wants a password: set ansible_become_password (or a NOPASSWD sudoers rule).'
      : badPassword
        ? 'Check ansible_become_password for this host.'
        : `Check that ${spec.user} may run commands as ${wrap.user} with sudo (sudo -l), and that sudo is installed.`,
  });
}
