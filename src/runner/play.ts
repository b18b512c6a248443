/**
 * Applying one play, Ansible's linear strategy: every task runs on all live hosts (at most `forks`
 * at once, or the task's `throttle`) before the next starts; handlers run once at the end of the
 * play where notified. Also reports a plan (from src/runner/plan.ts) in the same shape.
 */
import { forkLimit } from '../core/forks.ts';
import type { TaskResult } from '../core/result.ts';
import type { RunEmitter } from './events.ts';
import type { HostTask } from './expand.ts';
import type { HostRun } from './host-run.ts';
import { notifies, planContext, type PlayRun, type Row } from './plan.ts';
import { runTask, type Masker } from './task-run.ts';

export interface ApplyOptions {
  forks: number;
  emitter: RunEmitter;
  mask: Masker;
}

export function count(h: HostRun, r: TaskResult): void {
  if (r.status === 'ok') h.recap.ok += 1;
  else if (r.status === 'changed' || r.status === 'would-change') h.recap.changed += 1;
  else if (r.status === 'failed') h.recap.failed += 1;
  else if (r.status === 'skipped') h.recap.skipped += 1;
}

/** Run one step (a task or a handler) on every live host, in parallel up to forks/throttle. */
async function step(p: PlayRun, o: ApplyOptions, pick: (h: HostRun) => HostTask[] | undefined, handler: boolean): Promise<void> {
  const live = p.hosts.filter((h) => !h.failed && pick(h)?.length);
  if (live.length === 0) return;
  const first = pick(live[0]!)![0]!;
  o.emitter.emit('task:start', { task: first.task.name, hosts: live.map((h) => h.name), handler });
  const limit = forkLimit(Math.min(o.forks, first.task.throttle ?? Infinity));
  await Promise.all(
    live.map((h) =>
      limit(async () => {
        for (const ht of pick(h)!) {
          const { result } = await runTask(h, ht, planContext(p, h, ht), true, o.mask);
          count(h, result);
          o.emitter.emit('task:result', result);
          if (result.status === 'changed') ht.task.notify.forEach((n) => h.notified.add(n));
          if (result.status === 'failed' && !ht.task.ignoreErrors) {
            h.failed = true;
            return;
          }
        }
      }),
    ),
  );
  o.emitter.emit('task:end', { task: first.task.name });
}

export async function applyPlay(p: PlayRun, o: ApplyOptions): Promise<void> {
  o.emitter.emit('play:start', { play: p.play.name, hosts: p.hosts.map((h) => h.name), check: false });
  for (const h of p.hosts) h.notified.clear();
  for (let i = 0; i < p.play.tasks.length; i++) await step(p, o, (h) => p.tasks.get(h.name)?.[i], false);
  for (let i = 0; i < p.play.handlers.length; i++) {
    await step(p, o, (h) => {
      const g = p.handlers.get(h.name)?.[i];
      return g && notifies(h.notified, g) ? g : undefined;
    }, true);
  }
}

/** Report a planned play task by task, in play order (check mode, or a plan that failed). */
export function reportPlan(p: PlayRun, rows: Map<string, Row[]>, o: { emitter: RunEmitter; check: boolean }): void {
  o.emitter.emit('play:start', { play: p.play.name, hosts: p.hosts.map((h) => h.name), check: o.check });
  const n = Math.max(0, ...[...rows.values()].map((r) => r.length));
  for (let i = 0; i < n; i++) {
    const forRow = p.hosts.map((h) => ({ h, row: rows.get(h.name)?.[i] })).filter((x) => x.row?.results.length);
    if (!forRow.length) continue;
    const first = forRow[0]!.row!;
    o.emitter.emit('task:start', { task: first.name, hosts: forRow.map((x) => x.h.name), handler: first.handler });
    for (const { h, row } of forRow) {
      for (const r of row!.results) {
        count(h, r);
        if (r.status === 'failed') h.failed = true;
        o.emitter.emit('task:result', r);
      }
    }
    o.emitter.emit('task:end', { task: first.name });
  }
}
