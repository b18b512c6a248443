/**
 * The TTY renderer. While a task runs, a listr2 list shows one line per host with a spinner and,
 * under it, what the host is doing now: its latest result, a rolling restart's step, or what a start
 * waits for with the time spent against its timeout. When the task ends that live view is cleared
 * and its record is printed for good: one line per host per loop item with its state in its colour
 * (the plain renderer's lines), the task's notes, and diffs with --diff.
 */
import { Listr, ListrDefaultRendererLogLevels as Level } from 'listr2';
import type { TaskResult } from '../core/result.ts';
import type { RunEmitter } from '../runner/events.ts';
import type { Colors } from './color.ts';
import { formatDiff } from './diff.ts';
import { formatRecap } from './format.ts';

interface HostView {
  results: TaskResult[];
  done: () => void;
  finished: Promise<void>;
  /** The listr task while it runs (its `output` is the line under the host). */
  task?: { title: string; output: string };
  /** The latest progress line; `wait` when it is a wait, to add the time spent. */
  line?: { text: string; since: number; timeoutMs?: number };
}

function view(): HostView {
  let done!: () => void;
  const finished = new Promise<void>((r) => (done = r));
  return { results: [], done, finished };
}

const who = (r: TaskResult) => `[${r.host}]${r.item !== undefined ? ` (item=${r.item})` : ''}`;

/** One result as the user keeps it: `changed: [app1] (item=tomcat2) => copy /opt/tomcat2`. */
export function resultLine(r: TaskResult, c: Colors): string {
  const text = {
    ok: `ok: ${who(r)}`,
    changed: `changed: ${who(r)} => ${r.message}`,
    'would-change': `would change: ${who(r)} => ${r.message}`,
    skipped: `skipping: ${who(r)}`,
    failed: `fatal: ${who(r)}: FAILED! => ${r.message}${r.hint ? `\n  hint: ${r.hint}` : ''}`,
  }[r.status];
  return c.state(r.status)(text);
}

/** listr2's own colours, by the same decision as ours (NO_COLOR, --no-color, FORCE_COLOR). */
function listrColors(c: Colors) {
  const f = (p: (s: string) => string) => (s?: string) => p(s ?? '');
  return {
    [Level.PENDING]: f(c.yellow),
    [Level.COMPLETED]: f(c.green),
    [Level.FAILED]: f(c.red),
    [Level.FAILED_WITH_FAILED_SUBTASKS]: f(c.red),
    [Level.COMPLETED_WITH_FAILED_SUBTASKS]: f(c.yellow),
    [Level.COMPLETED_WITH_FAILED_SISTER_TASKS]: f(c.red),
    [Level.SKIPPED_WITH_COLLAPSE]: f(c.dim),
    [Level.SKIPPED_WITHOUT_COLLAPSE]: f(c.dim),
    [Level.WAITING]: f(c.dim),
    [Level.RETRY]: f(c.yellow),
    [Level.ROLLING_BACK]: f(c.red),
    [Level.ROLLED_BACK]: f(c.red),
    [Level.PAUSED]: f(c.yellow),
  };
}

export function attachTty(
  em: RunEmitter,
  o: { diff: boolean; colors: Colors; write: (s: string) => void },
): { flush: () => Promise<void> } {
  const c = o.colors;
  let chain = Promise.resolve();
  const later = (f: () => void | Promise<void>) => (chain = chain.then(f));
  let current = new Map<string, HostView>();
  /** Notes of the running task that name no host (the roll's order, where it stopped): printed with it. */
  let notes: { text: string; at: number }[] = [];
  let run: { runId: string; check: boolean } | undefined;
  const show = (v: HostView) => {
    if (!v.task || !v.line) return;
    const spent = Math.floor((Date.now() - v.line.since) / 1000);
    // The time goes first: a long line wraps or is cut at the terminal's width, and this must stay in view.
    v.task.output = v.line.timeoutMs ? `[${spent} s / ${Math.round(v.line.timeoutMs / 1000)} s] ${v.line.text}` : v.line.text;
  };
  // The time spent on a wait ticks once a second.
  const ticker = setInterval(() => current.forEach(show), 1000);
  ticker.unref();
  let inTask = false;
  const finish = () => {
    inTask = false;
    current.forEach((v) => v.done());
  };

  em.on('run:start', (e) => (run = { runId: e.runId, check: e.check }));
  em.on('play:start', (e) => {
    finish();
    later(() => o.write(c.bold(`\nPLAY [${e.play}]${e.check ? ' (check mode)' : ''}`)));
  });
  em.on('task:start', (e) => {
    finish();
    const hosts = new Map(e.hosts.map((h) => [h, view()]));
    current = hosts;
    inTask = true;
    const taskNotes: { text: string; at: number }[] = [];
    notes = taskNotes;
    const list = new Listr(
      e.hosts.map((h) => ({
        title: h,
        task: async (_: unknown, t: { title: string; output: string }) => {
          const v = hosts.get(h)!;
          v.task = t;
          show(v);
          await v.finished;
          v.task = undefined;
          const worst =
            v.results.find((r) => r.status === 'failed') ??
            v.results.find((r) => r.status === 'changed' || r.status === 'would-change') ??
            v.results[0];
          t.title = c.state(worst?.status ?? 'ok')(`${h}: ${worst?.status ?? 'ok'}`);
          if (worst?.status === 'failed') throw new Error(t.title);
        },
      })),
      {
        concurrent: true,
        exitOnError: false,
        // No listr2 signal listeners: the CLI handles Ctrl-C (finish what is in flight, release the locks).
        registerSignalListeners: false,
        // The live view goes when the task ends; the lines below are what stays on screen.
        rendererOptions: { clearOutput: true, collapseErrors: true, showErrorMessage: false, color: listrColors(c) },
      },
    );
    later(async () => {
      o.write(c.bold(`${e.handler ? 'RUNNING HANDLER' : 'TASK'} [${e.task}]`));
      await list.run().catch(() => undefined);
      // Notes said before any result (the roll's order) come first, the others (where it stopped) after.
      for (const n of taskNotes.filter((x) => x.at === 0)) o.write(c.dim(`  ${n.text}`));
      for (const v of hosts.values()) for (const r of v.results) o.write(`  ${resultLine(r, c)}`);
      for (const n of taskNotes.filter((x) => x.at > 0)) o.write(c.dim(`  ${n.text}`));
      if (o.diff) for (const v of hosts.values()) for (const r of v.results) for (const d of r.diffs) o.write(formatDiff(d, c));
    });
  });
  em.on('task:result', (r) => {
    const v = current.get(r.host);
    if (!v) return;
    v.results.push(r);
    v.line = { text: resultLine(r, c).split('\n')[0]!, since: Date.now() };
    show(v);
  });
  // A host with all its results is done (its line turns to its state) while others still run.
  em.on('task:host-end', (e) => current.get(e.host)?.done());
  em.on('task:end', () => finish());
  em.on('info', (e) => {
    const v = inTask && e.host ? current.get(e.host) : undefined;
    if (v) {
      // A step of this host's running task: live under it (its result says what it did).
      v.line = { text: e.message, since: Date.now(), ...(e.wait ? { timeoutMs: e.wait.timeoutMs } : {}) };
      show(v);
      return;
    }
    const text = `${e.host ? `[${e.host}] ` : ''}${e.message}`;
    if (inTask) {
      // About the running task as a whole: live under each host still at work, and kept with the task's lines.
      notes.push({ text, at: [...current.values()].reduce((n, x) => n + x.results.length, 0) });
      for (const x of current.values()) {
        x.line = { text: e.message, since: Date.now() };
        show(x);
      }
      return;
    }
    later(() => o.write(c.dim(text)));
  });
  em.on('host:unreachable', (e) =>
    later(() => o.write(c.red(`fatal: [${e.host}]: UNREACHABLE! ${e.message}${e.hint ? `\n  hint: ${e.hint}` : ''}`))),
  );
  em.on('host:failed', (e) =>
    later(() => o.write(c.red(`fatal: [${e.host}]: FAILED! ${e.message}${e.hint ? `\n  hint: ${e.hint}` : ''}`))),
  );
  em.on('run:end', (e) => {
    finish();
    clearInterval(ticker);
    later(() => o.write(`\n${c.bold('PLAY RECAP')}\n${formatRecap(e.recap, c, run ?? { runId: e.runId, check: false })}`));
  });
  return { flush: () => chain };
}
