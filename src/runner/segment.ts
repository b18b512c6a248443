/**
 * Fewer round trips on a first run: consecutive tasks that need no answer from the host before the
 * next one (no `register`, `changed_when`, `failed_when`, `ignore_errors`, `throttle`, no service
 * start to wait for) form a segment. On each host a segment's tasks are planned one after the other,
 * each against the facts its predecessors' changes leave (learned as if made), and their changes are
 * made together, in order, by one script: each change journaled before it is made, the script
 * stopping at the first failure, which fails the task it belongs to; the tasks after it did not run.
 * A task that must read the host first (a fact its predecessors may have changed, after a command)
 * has the changes before it made first, as a step would, and its facts read at the end of that same
 * script. Results are then reported task by task, in
 * the same order and with the same events as one step per task (play.ts).
 */
import { forkLimit } from '../core/forks.ts';
import type { TaskResult } from '../core/result.ts';
import type { Task } from '../playbook/types.ts';
import { RunEmitter, type RunEvents } from './events.ts';
import type { HostTask } from './expand.ts';
import type { AfterScript, HostRun } from './host-run.ts';
import { planContext, type PlayRun } from './plan.ts';
import { remember, resolve } from './register.ts';
import { deferKey } from './roll.ts';
import { runTask, type Masker, type TaskOutcome } from './task-run.ts';

export interface SegmentOptions {
  forks: number;
  emitter: RunEmitter;
  mask: Masker;
  signal?: AbortSignal;
}

/**
 * Ansible's recap counts a task once per host, however many loop items it has: failed if an item
 * failed, changed if one changed (or would), skipped if every item was skipped, else ok.
 */
export function countTask(h: HostRun, rs: TaskResult[]): void {
  if (!rs.length) return;
  if (rs.some((r) => r.status === 'failed')) h.recap.failed += 1;
  else if (rs.some((r) => r.status === 'changed' || r.status === 'would-change')) h.recap.changed += 1;
  else if (rs.every((r) => r.status === 'skipped')) h.recap.skipped += 1;
  else h.recap.ok += 1;
}

/** Whether a task's changes may share a script with its neighbours': nothing in it waits on the host's answer. */
export function batchable(t: Task): boolean {
  return (
    !t.register &&
    t.changedWhen === undefined &&
    t.failedWhen === undefined &&
    !t.ignoreErrors &&
    t.throttle === undefined &&
    // A service start is waited for, and the wait is announced before its round trip (host-run.ts).
    t.op !== 'service'
  );
}

/** The play's tasks as runs [from, to]: a segment where two or more batchable tasks follow each other, else one task. */
export function spans(tasks: Task[]): [number, number][] {
  const out: [number, number][] = [];
  for (let i = 0; i < tasks.length; i++) {
    let j = i;
    if (batchable(tasks[i]!)) while (j + 1 < tasks.length && batchable(tasks[j + 1]!)) j++;
    out.push([i, j]);
    i = j;
  }
  return out;
}

type Event = { [K in keyof RunEvents]: [K, RunEvents[K]] }[keyof RunEvents];

/** One item of a task on one host, and the progress events it gave (shown before its result). */
interface Step {
  out: TaskOutcome;
  events: Event[];
}

/** One task on one host: its items as reached. */
interface Ran {
  index: number;
  group: HostTask[];
  steps: Step[];
}

/** Plan the segment's tasks on one host, queueing their changes; make them (as few round trips as the sizes allow). */
async function runHost(p: PlayRun, o: SegmentOptions, h: HostRun, from: number, to: number): Promise<Ran[]> {
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
  try {
    let stopped = false;
    for (let i = from; i <= to && !stopped; i++) {
      const picked = p.tasks.get(h.name)?.[i];
      if (!picked?.length) continue;
      if (o.signal?.aborted) break;
      const group = resolve(picked, h.registered);
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
  return ran;
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

/** Apply tasks [from, to] of a play (each batchable) on every live host, then report them task by task. */
export async function applySegment(p: PlayRun, o: SegmentOptions, from: number, to: number): Promise<void> {
  const hosts = p.hosts.filter((h) => !h.failed);
  const name = (i: number) => p.play.tasks[i]!.name;
  const first = hosts.filter((h) => p.tasks.get(h.name)?.[from]?.length);
  if (first.length) o.emitter.emit('task:start', { task: name(from), hosts: first.map((h) => h.name), handler: false });
  const limit = forkLimit(o.forks);
  const runs = new Map<HostRun, Ran[]>();
  await Promise.all(hosts.map((h) => limit(async () => void runs.set(h, await runHost(p, o, h, from, to)))));
  for (let i = from; i <= to; i++) {
    const live = hosts.filter((h) => !h.failed && runs.get(h)!.some((r) => r.index === i));
    if (!live.length) {
      // Interrupted before it: nothing more was reached.
      if (i === from && first.length) o.emitter.emit('task:end', { task: name(i) });
      if (o.signal?.aborted) return;
      continue;
    }
    if (i !== from) o.emitter.emit('task:start', { task: name(i), hosts: live.map((h) => h.name), handler: false });
    for (const h of live) {
      const r = runs.get(h)!.find((x) => x.index === i)!;
      const results: TaskResult[] = [];
      for (const s of r.steps) {
        for (const [k, e] of s.events) o.emitter.emit(k, e as never);
        results.push(s.out.result);
        o.emitter.emit('task:result', s.out.result);
        if (s.out.result.status === 'changed') r.group[0]!.task.notify.forEach((n) => h.notified.add(n));
        if (s.out.result.status === 'failed') h.failed = true;
      }
      countTask(h, results);
      o.emitter.emit('task:host-end', { task: name(i), host: h.name });
    }
    o.emitter.emit('task:end', { task: name(i) });
  }
}
