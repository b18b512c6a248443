/** Run one tool invocation under GNU time, timed from spawn to exit, optionally sampling the RSS of its process tree. */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

/** Options for `timed`. */
export interface TimedOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Kill the whole process group after this long (default 300 s). */
  timeoutMs?: number;
  /** Sample the summed RSS of the process tree every this many ms (0: off; it costs CPU). */
  sampleTreeMs?: number;
}

/** One finished invocation. */
export interface Timed {
  /** Wall time from spawn to exit, ms. */
  ms: number;
  code: number | null;
  stdout: string;
  stderr: string;
  /** GNU time's "Maximum resident set size": the largest single process of the tree, KiB. */
  maxRssKb: number;
  /** User + system CPU time of the process and its waited-for children (GNU time), ms: less swayed by a busy machine than wall time. */
  cpuMs: number;
  /** Peak of the summed RSS of all processes in the tree (when sampled), KiB. */
  treePeakKb?: number;
  timedOut: boolean;
}

const PAGE_KB = 4;

/** Summed RSS (KiB) of `root` and all its descendants, read from /proc. */
export function treeRssKb(root: number): number {
  const kids = new Map<number, number[]>();
  const rss = new Map<number, number>();
  for (const e of readdirSync('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const stat = readFileSync(`/proc/${e}/stat`, 'utf8');
      // Fields after the command name (which may hold spaces) start after the last ')'.
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const pid = Number(e);
      const ppid = Number(f[1]);
      rss.set(pid, Number(f[21]) * PAGE_KB);
      kids.set(ppid, [...(kids.get(ppid) ?? []), pid]);
    } catch {
      // The process ended while we looked.
    }
  }
  let sum = 0;
  const todo = [root];
  for (let n = 0; todo.length > 0 && n < 100_000; n++) {
    const p = todo.pop()!;
    sum += rss.get(p) ?? 0;
    todo.push(...(kids.get(p) ?? []));
  }
  return sum;
}

/** Run `cmd args` under `/usr/bin/time -v`; never throws on a non-zero exit. */
export function timed(cmd: string, args: string[], opts: TimedOptions = {}): Promise<Timed> {
  const timeoutMs = opts.timeoutMs ?? 300_000;
  return new Promise((resolve, reject) => {
    const start = performance.now();
    // GNU time writes its report to a file of its own (-o) so the tool's stderr stays clean.
    const dir = mkdtempSync(join(tmpdir(), 'bench-time-'));
    const child = spawn('/usr/bin/time', ['-v', '-o', join(dir, 'report'), cmd, ...args], {
      env: opts.env ?? process.env,
      cwd: opts.cwd,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout!.on('data', (b: Buffer) => out.push(b));
    child.stderr!.on('data', (b: Buffer) => err.push(b));
    let timedOut = false;
    let peak = 0;
    const sampler = opts.sampleTreeMs
      ? setInterval(() => {
          peak = Math.max(peak, treeRssKb(child.pid!));
        }, opts.sampleTreeMs)
      : undefined;
    const killer = setTimeout(() => {
      timedOut = true;
      // The group holds the tool and everything it forked (ssh clients included).
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }, timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = performance.now() - start;
      clearTimeout(killer);
      if (sampler) clearInterval(sampler);
      let report = '';
      try {
        report = readFileSync(join(dir, 'report'), 'utf8');
      } catch {
        /* killed before it wrote */
      }
      rmSync(dir, { recursive: true, force: true });
      const m = /Maximum resident set size \(kbytes\): (\d+)/.exec(report);
      const sec = (what: string) => Number(new RegExp(`${what} time \\(seconds\\): ([\\d.]+)`).exec(report)?.[1] ?? NaN);
      resolve({
        ms,
        code,
        stdout: Buffer.concat(out).toString(),
        stderr: Buffer.concat(err).toString(),
        maxRssKb: m ? Number(m[1]) : 0,
        cpuMs: (sec('User') + sec('System')) * 1000,
        treePeakKb: opts.sampleTreeMs ? peak : undefined,
        timedOut,
      });
    });
  });
}
