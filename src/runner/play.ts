/**
 * One play, Ansible's linear strategy: every task runs on all live hosts (at most `forks` at once,
 * or the task's `throttle`) before the next starts; handlers run once at the end where notified.
 * Before any change, the whole play is planned on every host (the pre-flight): a task that cannot
 * be planned anywhere stops the run with no change on any host. In --check, that plan is the result.
 */
import pLimit from 'p-limit';
import type { TaskResult } from '../core/result.ts';
import type { FactRequest } from '../facts/types.ts';
import type { OperationDef } from '../ops/types.ts';
import type { Play } from '../playbook/types.ts';
import type { RunEmitter } from './events.ts';
import type { HostTask } from './expand.ts';
import type { HostRun } from './host-run.ts';
import { ctxFor, runTask, type Masker } from './task-run.ts';

export interface PlayInput {
  play: Play;
  hosts: HostRun[];
  /** Expanded tasks per host: one list per play task (loop items), in task order. */
  tasks: Map<string, HostTask[][]>;
  /** Expanded handlers per host, in handler order. */
  handlers: Map<string, HostTask[][]>;
  check: boolean;
  forks: number;
  emitter: RunEmitter;
  mask: Masker;
  baseDir: string;
  hostvars: Record<string, Record<string, unknown>>;
  /** Shell run first in the fact-gathering script (the lock); its output is checked by `onPrelude`. */
  prelude?: (h: HostRun) => string;
  onPrelude?: (h: HostRun, out: string) => void;
}

const isNotified = (h: HostRun, handler: HostTask[]) => {
  const t = handler[0]?.task;
  return !!t && (h.notified.has(t.name) || t.listen.some((l) => h.notified.has(l)));
};

function factsOf(hts: HostTask[][], ctx: (ht: HostTask) => Parameters<OperationDef<any>['facts']>[1]): FactRequest[] {
  return hts.flat().filter((ht) => !ht.skip).flatMap((ht) => ht.op.facts(ht.args, ctx(ht)));
}

/** The planned results of one task (all its loop items) on one host. */
interface Row {
  name: string;
  handler: boolean;
  results: TaskResult[];
}

/** Plan the whole play on one host against a fork of its facts. Returns per-task results. */
async function preflight(h: HostRun, input: PlayInput): Promise<Row[]> {
  const base = { hostvars: input.hostvars, playHosts: input.hosts.map((x) => x.name), baseDir: input.baseDir };
  const ctx = (ht: HostTask) => ctxFor(h, ht, base);
  const tasks = input.tasks.get(h.name) ?? [];
  const handlers = input.handlers.get(h.name) ?? [];
  const out = await h.facts.gather([...factsOf(tasks, ctx), ...factsOf(handlers, ctx)], input.prelude?.(h) ?? '');
  input.onPrelude?.(h, out);
  const real = h.facts;
  h.facts = real.fork();
  const notified = new Set<string>();
  const results: Row[] = [];
  try {
    for (const group of tasks) {
      const rs: TaskResult[] = [];
      for (const ht of group) {
        const { result } = await runTask(h, ht, ctx(ht), false, input.mask);
        rs.push(result);
        if (result.status === 'would-change') ht.task.notify.forEach((n) => notified.add(n));
      }
      if (group[0]) results.push({ name: group[0].task.name, handler: false, results: rs });
    }
    for (const group of handlers) {
      const t = group[0]?.task;
      if (!t || !(notified.has(t.name) || t.listen.some((l) => notified.has(l)))) continue;
      const rs: TaskResult[] = [];
      for (const ht of group) rs.push((await runTask(h, ht, ctx(ht), false, input.mask)).result);
      results.push({ name: t.name, handler: true, results: rs });
    }
  } finally {
    // In --check the simulation is all we know: later plays plan on top of it.
    if (!input.check) h.facts = real;
  }
  return results;
}

/** Run one step (a task or a handler) on every live host, in parallel up to forks/throttle. */
async function step(input: PlayInput, pick: (h: HostRun) => HostTask[] | undefined, handler: boolean): Promise<void> {
  const live = input.hosts.filter((h) => !h.failed && pick(h)?.length);
  if (live.length === 0) return;
  const first = pick(live[0]!)![0]!;
  input.emitter.emit('task:start', { task: first.task.name, hosts: live.map((h) => h.name), handler });
  const limit = pLimit(Math.max(1, Math.min(input.forks, first.task.throttle ?? Infinity)));
  const base = { hostvars: input.hostvars, playHosts: input.hosts.map((x) => x.name), baseDir: input.baseDir };
  await Promise.all(
    live.map((h) =>
      limit(async () => {
        for (const ht of pick(h)!) {
          const { result } = await runTask(h, ht, ctxFor(h, ht, base), true, input.mask);
          count(h, result);
          input.emitter.emit('task:result', result);
          if (result.status === 'changed') ht.task.notify.forEach((n) => h.notified.add(n));
          if (result.status === 'failed' && !ht.task.ignoreErrors) {
            h.failed = true;
            return;
          }
        }
      }),
    ),
  );
  input.emitter.emit('task:end', { task: first.task.name });
}

export function count(h: HostRun, r: TaskResult): void {
  if (r.status === 'ok') h.recap.ok += 1;
  else if (r.status === 'changed' || r.status === 'would-change') h.recap.changed += 1;
  else if (r.status === 'failed') h.recap.failed += 1;
  else if (r.status === 'skipped') h.recap.skipped += 1;
}

/** Run a play. Returns false when the pre-flight failed (nothing was changed anywhere). */
export async function runPlay(input: PlayInput): Promise<boolean> {
  const { emitter } = input;
  emitter.emit('play:start', { play: input.play.name, hosts: input.hosts.map((h) => h.name), check: input.check });
  const limit = pLimit(Math.max(1, input.forks));
  const plans = new Map<string, Row[]>();
  let preflightFailed = false;
  await Promise.all(
    input.hosts.map((h) =>
      limit(async () => {
        try {
          plans.set(h.name, await preflight(h, input));
        } catch (err) {
          preflightFailed = true;
          h.failed = true;
          h.recap.failed += 1;
          emitter.emit('host:failed', { host: h.name, message: input.mask((err as Error).message), hint: (err as { hint?: string }).hint });
        }
      }),
    ),
  );
  const planFailed = [...plans.values()].some((p) => p.some((row) => row.results.some((r) => r.status === 'failed')));
  if (input.check || planFailed || preflightFailed) {
    // Report the plan task by task, in play order. Nothing was changed on any host.
    const rows = Math.max(0, ...[...plans.values()].map((p) => p.length));
    for (let i = 0; i < rows; i++) {
      const forRow = input.hosts.map((h) => ({ h, rs: plans.get(h.name)?.[i] })).filter((x) => x.rs?.results.length);
      if (!forRow.length) continue;
      const first = forRow[0]!.rs!;
      emitter.emit('task:start', { task: first.name, hosts: forRow.map((x) => x.h.name), handler: first.handler });
      for (const { h, rs } of forRow) {
        for (const r of rs!.results) {
          count(h, r);
          if (r.status === 'failed') h.failed = true;
          emitter.emit('task:result', r);
        }
      }
      emitter.emit('task:end', { task: first.name });
    }
    if (!input.check && (planFailed || preflightFailed)) {
      emitter.emit('info', { message: 'the plan failed on at least one host: nothing was changed on any host' });
      for (const h of input.hosts) h.failed = true;
    }
    return !(planFailed || preflightFailed);
  }
  const nTasks = input.play.tasks.length;
  for (let i = 0; i < nTasks; i++) await step(input, (h) => input.tasks.get(h.name)?.[i], false);
  for (let i = 0; i < input.play.handlers.length; i++) {
    await step(input, (h) => {
      const g = input.handlers.get(h.name)?.[i];
      return g && isNotified(h, g) ? g : undefined;
    }, true);
  }
  return true;
}
