/**
 * Applying one play, Ansible's linear strategy: every task runs on all live hosts (at most `forks`
 * at once, or the task's `throttle`) before the next starts; notified handlers run where the play
 * flushes them (`meta: flush_handlers`, after pre_tasks, after roles+tasks, at the end).
 * Consecutive tasks that need no answer from the host share one script per host (segment.ts): a
 * host makes them without waiting for the others between them, and they are reported task by
 * task as here. Also reports a plan (from src/runner/plan.ts) in the same shape.
 */
import { forkLimit } from '../core/forks.ts';
import type { TaskResult } from '../core/result.ts';
import type { RunEmitter } from './events.ts';
import type { HostTask } from './expand.ts';
import type { HostRun } from './host-run.ts';
import { notifies, planContext, type PlayRun, type Row } from './plan.ts';
import { deferKey, rollHandler } from './roll.ts';
import { remember, resolve } from './register.ts';
import { type Masker, type TaskOutcome } from './task-run.ts';
import { applySegment, countTask, spans } from './segment.ts';
import { BlockState } from './blocks.ts';
import { runWithRetries } from './retry.ts';
import type { Change } from '../core/change.ts';
import type { Task } from '../playbook/types.ts';
import { STEP_STOPPED, type StepMode } from './step-mode.ts';

/** Operations that run a command: Ansible reports them changed even when they fail. */
const COMMANDS = new Set(['command', 'shell', 'raw', 'script']);

export interface ApplyOptions {
  forks: number;
  emitter: RunEmitter;
  mask: Masker;
  /** Every host of the run by name (a rolling handler drains members on Apache hosts of other plays). */
  all: Map<string, HostRun>;
  /** Ctrl-C: what is in flight finishes, nothing new starts. */
  signal?: AbortSignal;
  /** `--step`: ask before each task and handler; tasks then run one at a time, never merged (segment.ts). */
  stepper?: StepMode;
}

/** Why a run stops early when it was interrupted (PlayOutcome.abort). */
export const INTERRUPTED = 'interrupted';

/** Why the run stops before its next play (a roll that stopped, a batch over max_fail_percentage). */
export interface PlayOutcome {
  abort?: string;
}

/**
 * Run one step (a task or a handler) on every live host, in parallel up to forks/throttle. `task`: the play's task (not a handler).
 * `stop`: --step's answers ended before it.
 */
async function step(
  p: PlayRun,
  o: ApplyOptions,
  pick: (h: HostRun) => HostTask[] | undefined,
  handler: boolean,
  task?: Task,
): Promise<'stop' | undefined> {
  // Blocks this task is outside of are settled first: a failure no rescue caught fails the host here.
  if (task) for (const h of p.hosts) if (!h.failed && h.blocks.settle(task)) h.failed = true;
  const live = p.hosts.filter((h) => !h.failed && pick(h)?.length && (!task || h.blocks.runs(task)));
  if (live.length === 0) return;
  const first = pick(live[0]!)![0]!;
  // As Ansible: a task answered `n` has no header, no result and no count on any host.
  const asked = o.stepper ? await o.stepper.decide(p, live, pick, first.task.name, handler) : 'run';
  if (asked !== 'run') return asked === 'stop' ? 'stop' : undefined;
  o.emitter.emit('task:start', { task: first.task.name, hosts: live.map((h) => h.name), handler });
  const limit = forkLimit(Math.min(o.forks, first.task.throttle ?? Infinity));
  await Promise.all(
    live.map((h) =>
      limit(async () => {
        const results: TaskResult[] = [];
        const group = resolve(pick(h)!, h.registered);
        const outs: TaskOutcome[] = [];
        let failed: TaskOutcome | undefined;
        for (const ht of group) {
          if (o.signal?.aborted) break;
          const ctx = planContext(p, h, ht);
          const defer = handler ? undefined : (c: Change) => deferKey(p, h, ht, c);
          const out = await runWithRetries(h, ht, ctx, o, defer);
          const { result } = out;
          outs.push(out);
          results.push(result);
          o.emitter.emit('task:result', result);
          if (result.status === 'changed') ht.task.notify.forEach((n) => h.notified.add(n));
          if (result.status === 'failed' && !ht.task.ignoreErrors) {
            failed = out;
            break;
          }
        }
        remember(h.registered, group, outs);
        // A failure inside a block with rescue/always leaves the host running those parts (blocks.ts).
        const outcome = failed ? h.blocks.fail(first.task) : undefined;
        if (outcome === 'fatal') h.failed = true;
        if (failed && first.task.block) Object.assign(h.registered, BlockState.failedVars(first.task, failed.value));
        countTask(h, results, outcome === 'rescued', first.task.ignoreErrors && (COMMANDS.has(first.task.op) ? 'ran' : true));
        o.emitter.emit('task:host-end', { task: first.task.name, host: h.name });
      }),
    ),
  );
  o.emitter.emit('task:end', { task: first.task.name });
  return undefined;
}

/** Ansible's `serial`: batch sizes (numbers, percentages of the play's hosts; the last repeats). */
export function batches<T>(hosts: T[], serial?: Array<number | string>): T[][] {
  if (!serial?.length) return hosts.length ? [hosts] : [];
  const sizes = serial.map((x) => {
    const pct = typeof x === 'string' && /^\d+%$/.test(x.trim()) ? Number(x.trim().slice(0, -1)) : undefined;
    return Math.max(1, pct !== undefined ? Math.floor((hosts.length * pct) / 100) : Number(x));
  });
  const out: T[][] = [];
  for (let at = 0, k = 0; at < hosts.length; k++) {
    const n = sizes[Math.min(k, sizes.length - 1)]!;
    out.push(hosts.slice(at, at + n));
    at += n;
  }
  return out;
}

/**
 * The notified handlers of `hosts`, in handler order (rolling ones roll); then those hosts have
 * nothing notified, as after Ansible's flush_handlers. `abort` when the run must stop.
 */
async function flushHandlers(p: PlayRun, o: ApplyOptions, hosts: Set<HostRun>): Promise<PlayOutcome> {
  for (let i = 0; i < p.play.handlers.length; i++) {
    if (o.signal?.aborted) return { abort: INTERRUPTED };
    const notified = (h: HostRun) => {
      const g = p.handlers.get(h.name)?.[i];
      return hosts.has(h) && !!g && notifies(h.notified, g);
    };
    if (p.play.handlers[i]!.rolling) {
      const live = p.hosts.filter((h) => !h.failed && notified(h));
      const asked =
        o.stepper && live.length
          ? await o.stepper.decide(p, live, (h) => p.handlers.get(h.name)?.[i], p.play.handlers[i]!.name, true)
          : 'run';
      if (asked === 'stop') return { abort: STEP_STOPPED };
      if (asked === 'skip') continue;
      const rolled = new Map<HostRun, TaskResult[]>();
      const ok = await rollHandler(p, i, notified, o, (h, r) => {
        rolled.set(h, [...(rolled.get(h) ?? []), r]);
        o.emitter.emit('task:result', r);
      });
      rolled.forEach((rs, h) => countTask(h, rs));
      if (o.signal?.aborted) return { abort: INTERRUPTED };
      if (!ok) return { abort: 'the rolling restart stopped at a failed instance' };
      continue;
    }
    if ((await step(p, o, (h) => (notified(h) ? p.handlers.get(h.name)?.[i] : undefined), true)) === 'stop') return { abort: STEP_STOPPED };
  }
  for (const h of hosts) h.notified.clear();
  return o.signal?.aborted ? { abort: INTERRUPTED } : {};
}

/**
 * A `meta:` task on the batch's live hosts: `flush_handlers` runs their notified handlers now,
 * `end_host` takes the host out of the rest of the batch (not failed; its handlers do not run).
 */
async function metaStep(p: PlayRun, o: ApplyOptions, i: number): Promise<PlayOutcome> {
  const task = p.play.tasks[i]!;
  for (const h of p.hosts) if (!h.failed && h.blocks.settle(task)) h.failed = true;
  // Its `when` is decided now (it may read a registered result); a skipped meta task does nothing.
  const acting = p.hosts.filter((h) => {
    if (h.failed || !h.blocks.runs(task)) return false;
    const g = resolve(p.tasks.get(h.name)?.[i] ?? [], h.registered);
    return g.length > 0 && !g[0]!.skip;
  });
  if (task.meta === 'flush_handlers') return flushHandlers(p, o, new Set(acting));
  if (task.meta === 'end_host')
    for (const h of acting) {
      p.hosts.splice(p.hosts.indexOf(h), 1);
      o.emitter.emit('info', { host: h.name, message: `meta: end_host: the play ends here for this host (${task.name})` });
    }
  return {};
}

/** One batch of a play: its tasks, with their flushes of the notified handlers (rolling ones roll), then a last flush. */
async function applyBatch(p: PlayRun, o: ApplyOptions): Promise<PlayOutcome> {
  for (const h of p.hosts) {
    h.notified.clear();
    h.blocks = new BlockState();
  }
  // Tasks that need no answer from the host before the next share one script per host (segment.ts).
  // Under --step each task is answered alone, so none share a script.
  for (const [from, to] of o.stepper ? p.play.tasks.map((_, i): [number, number] => [i, i]) : spans(p.play.tasks)) {
    if (o.signal?.aborted) return { abort: INTERRUPTED };
    if (p.play.tasks[from]!.meta) {
      const r = await metaStep(p, o, from);
      if (r.abort) return r;
    } else if (from === to) {
      if ((await step(p, o, (h) => p.tasks.get(h.name)?.[from], false, p.play.tasks[from])) === 'stop') return { abort: STEP_STOPPED };
    } else {
      // A segment's tasks are in no block with rescue/always: a failure held by one before fails its host here.
      for (const h of p.hosts) if (!h.failed && h.blocks.settle(p.play.tasks[from])) h.failed = true;
      await applySegment(p, o, from, to);
    }
  }
  for (const h of p.hosts) if (!h.failed && h.blocks.settle(undefined)) h.failed = true;
  return flushHandlers(p, o, new Set(p.hosts.filter((h) => !h.failed)));
}

export async function applyPlay(p: PlayRun, o: ApplyOptions): Promise<PlayOutcome> {
  o.emitter.emit('play:start', { play: p.play.name, hosts: p.hosts.map((h) => h.name), check: false });
  const list = batches(p.hosts, p.play.serial);
  for (const [k, hosts] of list.entries()) {
    if (list.length > 1)
      o.emitter.emit('info', { message: `batch ${k + 1}/${list.length} (serial): ${hosts.map((h) => h.name).join(', ')}` });
    const before = hosts.filter((h) => h.failed).length;
    // A copy: meta end_host takes hosts out of the batch's list.
    const r = await applyBatch({ ...p, hosts: [...hosts] }, o);
    if (r.abort) return r;
    // As Ansible: a batch over max_fail_percentage (default: every host of it failed) ends the play.
    const failed = hosts.filter((h) => h.failed).length - before;
    const pct = hosts.length ? (failed / hosts.length) * 100 : 0;
    const over = p.play.maxFailPercentage !== undefined ? pct > p.play.maxFailPercentage : failed > 0 && failed === hosts.length;
    if (over && k < list.length - 1)
      return {
        abort:
          `${failed} of ${hosts.length} host(s) of batch ${k + 1} failed ` +
          `(max_fail_percentage ${p.play.maxFailPercentage ?? 'unset: all'})`,
      };
    if (over && p.play.maxFailPercentage !== undefined)
      return { abort: `${failed} of ${hosts.length} host(s) failed (over max_fail_percentage ${p.play.maxFailPercentage})` };
  }
  return {};
}

/** Report a planned play task by task, in play order (check mode, or a plan that failed). */
export function reportPlan(p: PlayRun, rows: Map<string, Row[]>, o: { emitter: RunEmitter; check: boolean }): void {
  o.emitter.emit('play:start', { play: p.play.name, hosts: p.hosts.map((h) => h.name), check: o.check });
  const n = Math.max(0, ...[...rows.values()].map((r) => r.length));
  for (let i = 0; i < n; i++) reportRow(p, rows, i, o);
}

/** The hosts with planned results in row `i` of a play (empty: nothing to report or ask). */
export function rowHosts(p: PlayRun, rows: Map<string, Row[]>, i: number): { h: HostRun; row: Row }[] {
  return p.hosts.map((h) => ({ h, row: rows.get(h.name)?.[i]! })).filter((x) => x.row?.results.length);
}

/** Report row `i` of a planned play: its task (or handler) on every host that has results in it. */
export function reportRow(p: PlayRun, rows: Map<string, Row[]>, i: number, o: { emitter: RunEmitter; check: boolean }): void {
  const forRow = rowHosts(p, rows, i);
  if (!forRow.length) return;
  const first = forRow[0]!.row!;
  o.emitter.emit('task:start', { task: first.name, hosts: forRow.map((x) => x.h.name), handler: first.handler });
  // A rolling handler: say in which order the instances would be taken out, one at a time.
  const rolled = first.rolling ? forRow.flatMap((x) => x.row!.results.filter((r) => r.status === 'would-change')) : [];
  if (rolled.length)
    o.emitter.emit('info', {
      message: `would roll one instance at a time: ${rolled.map((r) => `${r.item ?? r.task} on ${r.host}`).join(' → ')}`,
    });
  for (const { h, row } of forRow) {
    const shown: TaskResult[] = [];
    for (const r0 of row!.results) {
      const k = rolled.indexOf(r0);
      const r =
        k >= 0
          ? {
              ...r0,
              message:
                `roll ${k + 1}/${rolled.length}: drain from the balancer, stop, make its file changes, start, ` +
                `wait for the sessions, enable (${r0.message})`,
            }
          : r0;
      shown.push(r);
      if (r.status === 'failed' && !row!.rescued && !row!.ignored) h.failed = true;
      o.emitter.emit('task:result', r);
    }
    countTask(h, shown, row!.rescued, row!.ignored);
  }
  o.emitter.emit('task:end', { task: first.name });
}
