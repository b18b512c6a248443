/**
 * The pre-flight's view across hosts: once every host is planned, each task whose operation
 * defines `acrossHosts` is checked over every host it was planned on (a cluster's members must
 * agree), before any change. The runner knows nothing of what is checked; operations do.
 */
import { ProvisionError } from '../core/errors.ts';
import type { TaskResult } from '../core/result.ts';
import type { Facts } from '../facts/types.ts';
import type { PlanContext } from '../ops/types.ts';
import type { Task } from '../playbook/types.ts';
import type { HostTask } from './expand.ts';
import type { Masker } from './task-run.ts';

/** One planned item (a task's loop item on a host) and its result row entry, kept for the check. */
export interface PlannedItem {
  host: string;
  ht: HostTask;
  ctx: PlanContext;
  /** The result shown for it: a failed check turns it to failed in place. */
  result: TaskResult;
}

/**
 * Run every `acrossHosts` check. `sims`: each host's simulated facts at the end of its plan.
 * Warnings go to `warn`; a check that throws fails the task on each host it covered.
 */
export function checkAcrossHosts(items: PlannedItem[], sims: Map<string, Facts>, mask: Masker, warn: (message: string) => void): void {
  const byTask = new Map<Task, PlannedItem[]>();
  for (const i of items) {
    if (!i.ht.op.acrossHosts || (i.result.status !== 'ok' && i.result.status !== 'would-change')) continue;
    byTask.set(i.ht.task, [...(byTask.get(i.ht.task) ?? []), i]);
  }
  for (const group of byTask.values()) {
    const op = group[0]!.ht.op;
    try {
      const planned = group.map((i) => ({ args: i.ht.args, ctx: i.ctx, facts: sims.get(i.host)! }));
      for (const w of op.acrossHosts!(planned)) warn(mask(w));
    } catch (err) {
      const hint = err instanceof ProvisionError ? err.hint : undefined;
      for (const i of group) {
        Object.assign(i.result, {
          status: 'failed',
          message: mask(err instanceof Error ? err.message : String(err)),
          ...(hint ? { hint: mask(hint) } : {}),
        });
      }
    }
  }
}
