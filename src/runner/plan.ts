/**
 * The pre-flight: before any change, every play is planned on every host against a simulated copy
 * of the host's facts (each planned change is learned into it, so later tasks and plays see
 * earlier ones' effects). A task that cannot be planned anywhere stops the run with no change on
 * any host. In --check, this plan is the result.
 */
import { forkLimit } from '../core/forks.ts';
import type { TaskResult } from '../core/result.ts';
import { ansibleFacts } from '../facts/ansible-facts.ts';
import { fact, type FactRequest, type Facts } from '../facts/types.ts';
import type { PlanContext } from '../ops/types.ts';
import type { Play } from '../playbook/types.ts';
import { checkAcrossHosts, type PlannedItem } from './across.ts';
import type { RunEmitter } from './events.ts';
import type { HostTask } from './expand.ts';
import type { HostRun } from './host-run.ts';
import { BlockState } from './blocks.ts';
import { forgetPending, remember, resolve } from './register.ts';
import { ctxFor, runTask, type Masker, type TaskOutcome } from './task-run.ts';

/** One play as it runs: its hosts and every task expanded for each of them. */
export interface PlayRun {
  play: Play;
  hosts: HostRun[];
  /** Expanded tasks per host: one list per play task (its loop items), in task order. */
  tasks: Map<string, HostTask[][]>;
  /** Expanded handlers per host, in handler order. */
  handlers: Map<string, HostTask[][]>;
  hostvars: Record<string, Record<string, unknown>>;
  baseDir: string;
}

/** The planned results of one task (all its loop items) on one host. */
export interface Row {
  name: string;
  handler: boolean;
  /** A rolling handler: its items are taken out and restarted one at a time (roll.ts). */
  rolling?: boolean;
  results: TaskResult[];
  /** Its failure is caught by a block's `rescue:` (the host goes on, counted as rescued). */
  rescued?: boolean;
  /** Its failure is let pass by `ignore_errors` (the host goes on, counted as ok and ignored). */
  ignored?: boolean;
}

export function planContext(p: PlayRun, h: HostRun, ht: HostTask): PlanContext {
  const role = ht.task.role ? { roleDir: ht.task.role.dir } : {};
  return ctxFor(h, ht, { hostvars: p.hostvars, playHosts: p.hosts.map((x) => x.name), baseDir: p.baseDir, ...role });
}

/** Every fact any task or handler of these plays needs on this host (`ansible_*` facts only when a task reads them). */
export function factRequests(plays: PlayRun[], h: HostRun): FactRequest[] {
  const system = plays.some(
    (p) => p.play.gatherFacts && [...p.play.tasks, ...p.play.handlers].some((t) => t.reads?.some((n) => n.startsWith('ansible_'))),
  );
  return [
    ...(system ? [fact.system()] : []),
    ...plays.flatMap((p) =>
      [...(p.tasks.get(h.name) ?? []), ...(p.handlers.get(h.name) ?? [])]
        .flat()
        .filter((ht) => !ht.skip && !ht.later)
        .flatMap((ht) => ht.op.facts(ht.args, planContext(p, h, ht))),
    ),
  ];
}

export const notifies = (notified: Set<string>, handler: HostTask[]) => {
  const t = handler[0]?.task;
  return !!t && (notified.has(t.name) || t.listen.some((l) => notified.has(l)));
};

/** What planning one host leaves for the check across hosts: its planned items and its simulated facts. */
interface Seen {
  items: PlannedItem[];
  sims: Map<string, Facts>;
}

/** Plan every play on one host, in order, against a fork of its facts. Rows per play; `failed`: the plan failed on it. */
async function planHost(
  plays: PlayRun[],
  h: HostRun,
  mask: Masker,
  keepSimulation: boolean,
  seen: Seen,
  skip: ReadonlySet<string>,
): Promise<{ rows: Row[][]; failed: boolean }> {
  const real = h.facts;
  h.facts = real.fork();
  const out: Row[][] = [];
  let failed = false;
  const plan = async (p: PlayRun, ht: HostTask): Promise<TaskOutcome> => {
    const ctx = planContext(p, h, ht);
    const o = await runTask(h, ht, ctx, false, mask);
    for (const w of o.warnings ?? []) h.emitter?.emit('info', { host: h.name, message: `[WARNING] ${w}` });
    seen.items.push({ host: h.name, ht, ctx, result: o.result });
    return o;
  };
  try {
    for (const [k, p] of plays.entries()) {
      const rows: Row[] = [];
      out.push(rows);
      // --step --check: a row answered `n` is planned as not run (step-check.ts), its notify included.
      const skipped = () => skip.has(`${k}:${rows.length}`);
      if (!p.hosts.includes(h)) continue;
      const notified = new Set<string>();
      // The notified handlers, planned where the play flushes them (meta tasks, its end). Every handler
      // leaves a row, empty when not notified: rows line up across hosts (play.ts reportPlan).
      const flush = async () => {
        for (const g of p.handlers.get(h.name) ?? []) {
          const rs: TaskResult[] = [];
          const group = notifies(notified, g) && !skipped() ? resolve(g, h.registered) : [];
          for (const ht of group) rs.push((await plan(p, ht)).result);
          if (rs.some((r) => r.status === 'failed')) failed = true;
          const t = g[0]?.task;
          rows.push({ name: t?.name ?? '', handler: true, ...(t?.rolling ? { rolling: true } : {}), results: rs });
        }
        notified.clear();
      };
      // rescue/always (blocks.ts): in the plan, a rescue runs only where a task of its block fails in the plan itself.
      const blocks = new BlockState();
      let ended = false;
      for (const [i, g] of (p.tasks.get(h.name) ?? []).entries()) {
        const task = p.play.tasks[i]!;
        if (blocks.settle(task)) failed = true;
        // A task passed over keeps its (empty) row: rows line up by task across hosts (play.ts reportPlan).
        if (!blocks.runs(task)) {
          rows.push({ name: task.name, handler: false, results: [] });
          continue;
        }
        const group = resolve(g, h.registered);
        if (task.meta) {
          rows.push({ name: task.name, handler: false, results: [] });
          // A meta task whose `when` waits on a command's output acts only when applying.
          const acts = group.length > 0 && !group[0]!.skip;
          if (acts && task.meta === 'flush_handlers') await flush();
          if (acts && task.meta === 'end_host') ended = true;
          if (ended) break;
          continue;
        }
        if (skipped()) {
          rows.push({ name: task.name, handler: false, results: [] });
          continue;
        }
        const rs: TaskResult[] = [];
        const outs: TaskOutcome[] = [];
        for (const ht of group) {
          const out = await plan(p, ht);
          outs.push(out);
          rs.push(out.result);
          if (out.result.status === 'would-change') ht.task.notify.forEach((n) => notified.add(n));
        }
        remember(h.registered, group, outs);
        const bad = outs.find((o) => o.result.status === 'failed');
        const caught = bad && task.block && !task.ignoreErrors ? blocks.fail(task) === 'rescued' : false;
        if (bad && task.block) Object.assign(h.registered, BlockState.failedVars(task, bad.value));
        const ignored = !!bad && task.ignoreErrors;
        if (bad && !caught && !ignored) failed = true;
        rows.push({
          name: group[0]?.task.name ?? task.name,
          handler: false,
          results: rs,
          ...(caught ? { rescued: true } : {}),
          ...(ignored ? { ignored: true } : {}),
        });
      }
      // As Ansible: a host that ended its play (meta: end_host) runs none of its notified handlers.
      if (ended) continue;
      if (blocks.settle(undefined)) failed = true;
      await flush();
    }
    seen.sims.set(h.name, h.facts);
  } finally {
    // In --check the simulation is all there is; otherwise the apply starts from the real facts.
    if (!keepSimulation) h.facts = real;
  }
  return { rows: out, failed };
}

export interface PlanOutcome {
  /** Per play, per host name: its rows. */
  rows: Map<string, Row[]>[];
  failed: boolean;
}

export async function planRun(
  plays: PlayRun[],
  hosts: HostRun[],
  o: { forks: number; mask: Masker; check: boolean; emitter?: RunEmitter; skip?: ReadonlySet<string> },
): Promise<PlanOutcome> {
  const seen: Seen = { items: [], sims: new Map() };
  const limit = forkLimit(o.forks);
  const rows: Map<string, Row[]>[] = plays.map(() => new Map());
  let failed = false;
  // Gathered `ansible_*` facts are variables of the tasks expanded when reached (register.ts).
  for (const h of hosts)
    if (h.facts.has(fact.system())) Object.assign(h.registered, ansibleFacts(h.facts.get({ type: 'system' } as const)));
  await Promise.all(
    hosts.map((h) =>
      limit(async () => {
        const planned = await planHost(plays, h, o.mask, o.check, seen, o.skip ?? new Set());
        planned.rows.forEach((r, i) => rows[i]!.set(h.name, r));
        if (planned.failed) failed = true;
      }),
    ),
  );
  // Items in host order, whichever host finished planning first.
  const order = new Map(hosts.map((h, i) => [h.name, i]));
  seen.items.sort((a, b) => order.get(a.host)! - order.get(b.host)!);
  checkAcrossHosts(seen.items, seen.sims, o.mask, (message) => o.emitter?.emit('info', { message: `[WARNING] ${message}` }));
  for (const h of hosts) forgetPending(h.registered);
  // A failure a rescue caught, or ignore_errors let pass, in the plan is no failure of the plan.
  if (
    rows.some((m) => [...m.values()].some((rs) => rs.some((r) => !r.rescued && !r.ignored && r.results.some((x) => x.status === 'failed'))))
  )
    failed = true;
  return { rows, failed };
}
