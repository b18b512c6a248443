/**
 * One host's part of a segment (segment.ts): its tasks planned one after the other, each against the
 * facts its predecessors' changes leave (learned as if made), their changes queued on the host and
 * made by as few scripts as the sizes allow; cut where a task must read the host first (the changes
 * before it made, and its facts read, in one script). What each step showed is kept for the report.
 */
import { RunEmitter, type RunEvents } from './events.ts';
import type { HostTask } from './expand.ts';
import type { AfterScript, HostRun } from './host-run.ts';
import { planContext, type PlayRun } from './plan.ts';
import { remember, resolve } from './register.ts';
import { deferKey } from './roll.ts';
import { runTask, type Masker, type TaskOutcome } from './task-run.ts';

/** What a segment needs of the play's apply options. */
export interface SegmentOptions {
  forks: number;
  emitter: RunEmitter;
  mask: Masker;
  signal?: AbortSignal;
}

/** A progress event as emitted, kept to be shown before its step's result. */
export type Event = { [K in keyof RunEvents]: [K, RunEvents[K]] }[keyof RunEvents];

/** One item of a task on one host, and the progress events it gave (shown before its result). */
export interface Step {
  out: TaskOutcome;
  events: Event[];
}

/** One task on one host: its items as reached. */
export interface Ran {
  index: number;
  group: HostTask[];
  steps: Step[];
}

/** Plan the segment's tasks on one host, queueing their changes; make them (as few round trips as the sizes allow). */
export async function runHost(
  p: PlayRun,
  o: SegmentOptions,
  h: HostRun,
  from: number,
  to: number,
): Promise<{ ran: Ran[]; thrown?: Thrown }> {
  const ran: Ran[] = [];
  const flat: Step[] = [];
  const byTicket = new Map<number, Step>();
  let settled = 0;
  let buffered: Event[] = [];
  const real = h.emitter;
  const rec = new RunEmitter();
  for (const k of ['debug', 'info', 'change'] as const) rec.on(k, (e) => buffered.push([k, e] as Event));
  h.emitter = rec;
  /** Keep the first `n` steps: what follows did not run. */
  const cut = (n: number) => {
    const last = flat[n - 1];
    flat.length = n;
    const at = last ? ran.findIndex((r) => r.steps.includes(last)) : -1;
    ran.length = at + 1;
    if (last) ran[at]!.steps.length = ran[at]!.steps.indexOf(last) + 1;
  };
  /** Make what is queued; false when a change failed (its task then fails, the rest did not run). */
  const flush = async (after?: AfterScript): Promise<boolean> => {
    if (!h.queuedCount) {
      settled = flat.length;
      return true;
    }
    // What the host says while the script runs goes with the last task in it.
    buffered = flat[flat.length - 1]!.events;
    const r = await h.flush(
      (ticket, task, summary) =>
        byTicket.get(ticket)!.events.push(['change', { host: h.name, task: o.mask(task), summary: o.mask(summary) }]),
      after,
    );
    if (!r.failed) {
      settled = flat.length;
      return true;
    }
    const s = byTicket.get(r.failed.ticket)!;
    s.out = s.out.queued!.settle(r.failed.error);
    cut(flat.indexOf(s) + 1);
    return false;
  };
  let thrown: Thrown | undefined;
  try {
    let stopped = false;
    for (let i = from; i <= to && !stopped; i++) {
      const picked = p.tasks.get(h.name)?.[i];
      if (!picked?.length) continue;
      if (o.signal?.aborted) break;
      let group: HostTask[];
      try {
        group = resolve(picked, h.registered);
      } catch (error) {
        // A task expanded only now (it reads a registered result) is broken: the tasks before it are made, then the run stops.
        thrown = { index: i, error };
        break;
      }
      const r: Ran = { index: i, group, steps: [] };
      ran.push(r);
      for (const [j, ht] of group.entries()) {
        if (o.signal?.aborted) break;
        const ctx = planContext(p, h, ht);
        // It reads the host: the changes before it are made first, as one step per task would, and
        // what it reads is read at the end of the same script.
        const rest = () => [
          ...group.slice(j + 1),
          ...Array.from({ length: to - i }, (_, k) => p.tasks.get(h.name)?.[i + 1 + k] ?? []).flat(),
        ];
        const read = h.queuedCount ? readFirst(p, h, ht, rest()) : undefined;
        if (read && (!(await flush(read)) || o.signal?.aborted)) {
          stopped = true;
          break;
        }
        buffered = [];
        const out = await runTask(h, ht, ctx, true, o.mask, (c) => deferKey(p, h, ht, c), true);
        const s: Step = { out, events: buffered };
        buffered = [];
        r.steps.push(s);
        flat.push(s);
        if (out.queued) byTicket.set(out.queued.ticket, s);
        if (out.result.status === 'failed') {
          stopped = true;
          break;
        }
      }
      // set_fact's variables are the next task's (register is not in a segment).
      remember(
        h.registered,
        group,
        r.steps.map((s) => s.out),
      );
    }
    // Interrupted: the queued changes are not started (the ones made stay made, and reported).
    if (o.signal?.aborted) {
      h.discard();
      cut(settled);
    } else await flush();
  } finally {
    h.emitter = real;
  }
  return { ran, ...(thrown ? { thrown } : {}) };
}

/** A task that could not be expanded on a host: where, and the error that stops the run (as a step would throw it). */
export interface Thrown {
  index: number;
  error: unknown;
}

/**
 * What planning this item must read from the host first (facts not known, e.g. after a command),
 * if anything; with it, what the segment's later items read (known now, they need no read of their own).
 */
function readFirst(p: PlayRun, h: HostRun, ht: HostTask, rest: HostTask[]): AfterScript | undefined {
  const wants = (x: HostTask) => {
    if (x.skip || x.later) return [];
    try {
      return x.op.facts(x.args, planContext(p, h, x));
    } catch {
      // runTask reports the error as the task's failure.
      return [];
    }
  };
  const own = wants(ht);
  if (!own.some((r) => !h.facts.has(r))) return undefined;
  return h.facts.readAfter([...own, ...rest.flatMap(wants)]);
}
