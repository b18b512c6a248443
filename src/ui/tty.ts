/**
 * The TTY renderer: each task is a listr2 list with one line per host that turns into
 * ok / changed / failed as results arrive. Diffs and the recap are printed after each list.
 */
import { Listr } from 'listr2';
import type { TaskResult } from '../core/result.ts';
import type { RunEmitter } from '../runner/events.ts';
import { formatDiff } from './diff.ts';
import { ansi, formatRecap } from './format.ts';

interface Deferred {
  promise: Promise<TaskResult[]>;
  push: (r: TaskResult) => void;
  done: () => void;
}

function deferred(): Deferred {
  const results: TaskResult[] = [];
  let resolve!: (v: TaskResult[]) => void;
  const promise = new Promise<TaskResult[]>((r) => (resolve = r));
  return { promise, push: (r) => results.push(r), done: () => resolve(results) };
}

export function attachTty(em: RunEmitter, o: { diff: boolean; write: (s: string) => void }): { flush: () => Promise<void> } {
  let chain = Promise.resolve();
  let current = new Map<string, Deferred>();
  // Progress of a running host (a rolling restart's steps): the latest line shows under its task.
  const running = new Map<string, { output: string }>();
  const latest = new Map<string, string>();
  const finish = () => {
    current.forEach((d) => d.done());
    running.clear();
    latest.clear();
  };
  em.on('play:start', (e) => {
    finish();
    chain = chain.then(() => o.write(`\nPLAY [${e.play}]${e.check ? ' (check mode)' : ''}`));
  });
  em.on('task:start', (e) => {
    finish();
    const hosts = new Map(e.hosts.map((h) => [h, deferred()]));
    current = hosts;
    const list = new Listr(
      e.hosts.map((h) => ({
        title: h,
        task: async (_: unknown, t: { title: string; output: string }) => {
          running.set(h, t);
          if (latest.has(h)) t.output = latest.get(h)!;
          const rs = await hosts.get(h)!.promise;
          running.delete(h);
          const worst =
            rs.find((r) => r.status === 'failed') ?? rs.find((r) => r.status === 'changed' || r.status === 'would-change') ?? rs[0];
          t.title =
            `${h}: ${worst?.status ?? 'ok'}` +
            `${worst && worst.status !== 'ok' && worst.status !== 'skipped' ? ` — ${worst.message}` : ''}`;
          if (worst?.status === 'failed') throw new Error(t.title + (worst.hint ? `\n  hint: ${worst.hint}` : ''));
        },
      })),
      // No listr2 signal listeners: the CLI handles Ctrl-C (finish what is in flight, release the locks).
      { concurrent: true, exitOnError: false, registerSignalListeners: false, rendererOptions: { collapseErrors: false } },
    );
    chain = chain.then(async () => {
      o.write(`TASK [${e.task}]${e.handler ? ' (handler)' : ''}`);
      await list.run().catch(() => undefined);
      if (o.diff) {
        const rs = (await Promise.all([...hosts.values()].map((d) => d.promise))).flat();
        for (const r of rs) for (const d of r.diffs) o.write(formatDiff(d, ansi));
      }
    });
  });
  em.on('task:result', (r) => {
    const d = current.get(r.host);
    d?.push(r);
  });
  em.on('task:end', () => finish());
  em.on('info', (e) => {
    // A step of a host's task in progress shows under it; anything else is a line of its own.
    const to = e.host ? (current.has(e.host) ? [e.host] : []) : running.size ? [...current.keys()] : [];
    if (to.length) {
      for (const h of to) {
        latest.set(h, e.message);
        const t = running.get(h);
        if (t) t.output = e.message;
      }
      return;
    }
    chain = chain.then(() => o.write(ansi.dim(`${e.host ? `[${e.host}] ` : ''}${e.message}`)));
  });
  em.on(
    'host:unreachable',
    (e) => (chain = chain.then(() => o.write(ansi.red(`UNREACHABLE [${e.host}]: ${e.message}${e.hint ? `\n  hint: ${e.hint}` : ''}`)))),
  );
  em.on(
    'host:failed',
    (e) => (chain = chain.then(() => o.write(ansi.red(`FAILED [${e.host}]: ${e.message}${e.hint ? `\n  hint: ${e.hint}` : ''}`)))),
  );
  em.on('run:end', (e) => {
    finish();
    chain = chain.then(() => o.write(`\nPLAY RECAP\n${formatRecap(e.recap, ansi)}`));
  });
  return { flush: () => chain };
}
