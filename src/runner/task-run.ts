/** Plans (and applies) one expanded task on one host, and turns the outcome into a TaskResult. */
import type { Change } from '../core/change.ts';
import { ProvisionError } from '../core/errors.ts';
import type { FileDiff, TaskResult } from '../core/result.ts';
import type { PlanContext } from '../ops/types.ts';
import type { HostTask } from './expand.ts';
import type { HostRun } from './host-run.ts';
import { learn } from '../host/learn.ts';

export type Masker = (s: string) => string;

function diffsOf(changes: Change[], mask: Masker): FileDiff[] {
  const out: FileDiff[] = [];
  for (const c of changes) {
    if ((c.kind === 'write' || c.kind === 'remove') && c.diff) {
      out.push({
        ...c.diff,
        before: c.diff.before === null ? null : mask(c.diff.before),
        after: c.diff.after === null ? null : mask(c.diff.after),
      });
    }
  }
  return out;
}

export function ctxFor(h: HostRun, ht: HostTask, base: Omit<PlanContext, 'host' | 'vars'>): PlanContext {
  return { ...base, host: h.name, vars: ht.vars };
}

export interface TaskOutcome {
  result: TaskResult;
  changes: Change[];
}

/**
 * Plan one task; when `apply`, make its changes (journaled), otherwise only learn them into the
 * (forked) fact cache so later tasks see their effect.
 */
export async function runTask(h: HostRun, ht: HostTask, ctx: PlanContext, apply: boolean, mask: Masker): Promise<TaskOutcome> {
  const started = Date.now();
  const base = { host: h.name, task: ht.label, ...(ht.item !== undefined ? { item: ht.item } : {}), diffs: [] as FileDiff[], changes: [] as string[] };
  if (ht.skip) {
    return { result: { ...base, status: 'skipped', message: ht.skip, durationMs: 0 }, changes: [] };
  }
  let changes: Change[] = [];
  try {
    await h.facts.gather(ht.op.facts(ht.args, ctx));
    const plan = await ht.op.plan(ht.args, h.facts, ctx);
    changes = plan.changes;
    if (apply) await h.applyAll(changes, ht.label);
    else for (const c of changes) learn(h.facts, c, false);
    const status = changes.length === 0 ? 'ok' : apply ? 'changed' : 'would-change';
    return {
      result: {
        ...base,
        status,
        message: mask(changes.length === 0 ? plan.okMessage : changes.map((c) => c.summary).join('; ')),
        diffs: diffsOf(changes, mask),
        changes: changes.map((c) => mask(c.summary)),
        durationMs: Date.now() - started,
      },
      changes,
    };
  } catch (err) {
    const e = err instanceof ProvisionError ? err : null;
    return {
      result: {
        ...base,
        status: 'failed',
        message: mask(err instanceof Error ? err.message : String(err)),
        ...(e?.hint ? { hint: mask(e.hint) } : {}),
        diffs: diffsOf(changes, mask),
        changes: changes.map((c) => mask(c.summary)),
        durationMs: Date.now() - started,
      },
      changes,
    };
  }
}
