/**
 * Ansible's `register`, `changed_when`, `failed_when` and `no_log` on provision's results. A
 * registered result has Ansible's shape (`changed`, `failed`, `msg`, a module's own fields such as
 * xml's `count` or a command's `stdout`/`rc`; a loop's `results`, each with its `item`). Tasks
 * that read one are expanded when reached (expand.ts `later`), so only they wait: a result known
 * from facts (xml `count`) is known while planning; a command's output only once it has run.
 */
import type { TaskResult } from '../core/result.ts';
import { isTrue } from '../vars/template.ts';
import { scope } from '../vars/lazy-vars.ts';
import type { HostTask } from './expand.ts';

/** What Ansible prints instead of a `no_log` task's output. */
export const NO_LOG = "the output has been hidden due to the fact that 'no_log: true' was specified for this result";

/** A registered value that is only known once a command has run (while planning). */
export interface Pending {
  __pending: string;
}
const isPending = (v: unknown): v is Pending => !!v && typeof v === 'object' && '__pending' in v;

/** One item's result in Ansible's shape. `extra`: the operation's own fields (count, stdout, rc…). */
export function itemResult(ht: HostTask, r: TaskResult, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const out: Record<string, unknown> = {
    changed: r.status === 'changed' || r.status === 'would-change',
    failed: r.status === 'failed',
    msg: r.message,
    ...extra,
  };
  if (r.status === 'skipped') Object.assign(out, { skipped: true, skip_reason: r.message });
  if (ht.task.loop !== undefined) Object.assign(out, { item: ht.vars[ht.task.loopVar], ansible_loop_var: ht.task.loopVar });
  return out;
}

/** The value `register:` holds for a whole task: one result, or a loop's `results`. */
export function taskValue(ht: HostTask, items: Record<string, unknown>[], pending?: string): unknown {
  if (pending) return { __pending: pending } satisfies Pending;
  if (ht.task.loop === undefined || ht.later) return items[0] ?? {};
  return {
    changed: items.some((i) => i.changed),
    failed: items.some((i) => i.failed),
    skipped: items.length > 0 && items.every((i) => i.skipped),
    msg: 'All items completed',
    results: items,
  };
}

/**
 * Once the plan is made: what was pending in it is unknown again, not waiting. Applying runs the
 * tasks in order, each registering its real value before any task that reads it is expanded.
 */
export function forgetPending(registered: Record<string, unknown>): void {
  for (const [k, v] of Object.entries(registered)) if (isPending(v)) delete registered[k];
}

/**
 * A task that reads registered results, expanded now. While planning, a result still pending (a
 * command's output) makes it wait: skipped in the plan, planned for real when applying.
 */
export function resolve(group: HostTask[], registered: Record<string, unknown>): HostTask[] {
  const ht = group[0];
  if (!ht?.later) return group;
  const waiting = (ht.task.reads ?? []).map((n) => registered[n]).find(isPending);
  if (waiting)
    return [
      {
        ...ht,
        later: undefined,
        waitsFor: waiting.__pending,
        skip: `decided when "${waiting.__pending}" has run (the task reads its registered result)`,
      },
    ];
  return ht.later(registered);
}

/**
 * `changed_when` / `failed_when` decide the status from the result (with `register`'s name bound
 * to it, as in Ansible). Not while planning a command: its output is not known yet.
 */
export function judge(ht: HostTask, r: TaskResult, value: Record<string, unknown>, known: boolean): TaskResult {
  const t = ht.task;
  if (!known || (t.changedWhen === undefined && t.failedWhen === undefined) || r.status === 'skipped') return r;
  const vars = scope({ ...(t.register ? { [t.register]: value } : {}) }, ht.vars);
  let status = r.status;
  if (t.failedWhen !== undefined) {
    const failed = isTrue(t.failedWhen, vars);
    if (failed) status = 'failed';
    else if (status === 'failed') status = 'changed';
  }
  if (status !== 'failed' && t.changedWhen !== undefined) {
    const changed = isTrue(t.changedWhen, vars);
    status = changed ? (r.status === 'would-change' ? 'would-change' : 'changed') : 'ok';
  }
  if (status === r.status) return r;
  const message =
    status === 'failed' && r.status !== 'failed' ? `failed_when: ${JSON.stringify(t.failedWhen)} is true (${r.message})` : r.message;
  return { ...r, status, message };
}

/** `no_log: true`: nothing of the task's output is shown (messages, diffs, changes). */
export function hideOutput(ht: HostTask, r: TaskResult): TaskResult {
  if (!ht.task.noLog) return r;
  return { ...r, message: NO_LOG, diffs: [], changes: r.changes.map(() => NO_LOG), ...(r.hint ? { hint: NO_LOG } : {}) };
}

/** String values of a `no_log` task's arguments (not paths): masked in what the journal shows people. */
export function noLogValues(ht: HostTask): string[] {
  if (!ht.task.noLog) return [];
  const out: string[] = [];
  const walk = (v: unknown) => {
    if (typeof v === 'string' && !v.startsWith('/')) out.push(v);
    else if (typeof v === 'number') out.push(String(v));
    else if (v && typeof v === 'object') Object.values(v).forEach(walk);
  };
  walk(ht.args);
  return out;
}

/** After a task ran on a host (all its items): its `register:` variable holds the task's value. */
export function remember(
  registered: Record<string, unknown>,
  group: HostTask[],
  items: { value: Record<string, unknown>; pending?: string }[],
): void {
  const ht = group[0];
  // A task that waits in the plan for a command's output: what it would set waits too (a set_fact
  // variable, its own register), so the tasks reading those wait as well instead of seeing them unset.
  if (ht?.waitsFor) {
    const pending = { __pending: ht.waitsFor } satisfies Pending;
    if (ht.task.op === 'set_fact') for (const k of Object.keys(ht.task.args)) if (k !== 'cacheable') registered[k] = pending;
    if (ht.task.register) registered[ht.task.register] = pending;
    return;
  }
  // set_fact: its variables are the host's from here on (over inventory and play vars, as in Ansible).
  for (const i of items) if (ht?.task.op === 'set_fact' && i.value.ansible_facts) Object.assign(registered, i.value.ansible_facts);
  if (!ht?.task.register) return;
  registered[ht.task.register] = taskValue(
    ht,
    items.map((i) => i.value),
    items.find((i) => i.pending)?.pending,
  );
}
