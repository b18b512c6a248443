/** Local command execution for the lab (the lab runs on the control machine as root). */
import { execa } from 'execa';
import { CommandError } from '../core/errors.ts';

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Run a local command; never throws on a non-zero exit. Bounded by `timeoutMs` (default 30s). */
export async function tryRun(
  file: string,
  args: string[],
  opts: { input?: string; timeoutMs?: number; env?: Record<string, string> } = {},
): Promise<RunResult> {
  const r = await execa(file, args, {
    reject: false,
    input: opts.input,
    timeout: opts.timeoutMs ?? 30_000,
    env: opts.env,
    stripFinalNewline: true,
  });
  const code = typeof r.exitCode === 'number' ? r.exitCode : r.timedOut ? 124 : 1;
  return { code, stdout: String(r.stdout ?? ''), stderr: String(r.stderr ?? r.message ?? '') };
}

/** Run a local command that must succeed. */
export async function run(file: string, args: string[], opts: { input?: string; timeoutMs?: number; hint?: string } = {}): Promise<string> {
  const r = await tryRun(file, args, opts);
  if (r.code !== 0) {
    const command = [file, ...args].join(' ');
    throw new CommandError(
      `lab: \`${command}\` exited ${r.code}: ${r.stderr.trim().split('\n').slice(-3).join(' / ')}`,
      { command, code: r.code, stderr: r.stderr },
      { hint: opts.hint ?? 'the lab needs root on Linux with iproute2, util-linux, openssh-server, tini' },
    );
  }
  return r.stdout;
}

/** Wait until `check` returns true, polling every `intervalMs`, for at most `timeoutMs`. */
export async function waitFor(check: () => Promise<boolean>, timeoutMs: number, intervalMs = 100): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (let i = 0; i < 100_000 && Date.now() < deadline; i++) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  return check();
}

/** Run `fn` over `items` with at most `limit` in flight. */
export async function mapLimit<T, R>(items: T[], limit: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
