/**
 * Fewer round trips on a first run: consecutive tasks that need no answer from the host before the
 * next one (no `register`, `changed_when`, `failed_when`, `ignore_errors`, `throttle`, no service
 * start to wait for) form a segment. On each host its tasks are planned one after the other, and
 * their changes made together by one script (segment-host.ts): each change journaled before it is
 * made, the script stopping at the first failure, which fails the task it belongs to; the tasks
 * after it did not run. Results are then reported task by task, in the same order and with the same
 * events as one step per task (play.ts).
 */
import { forkLimit } from '../core/forks.ts';
import type { TaskResult } from '../core/result.ts';
import type { Task } from '../playbook/types.ts';
import type { HostRun } from './host-run.ts';
import type { PlayRun } from './plan.ts';
import { runHost, type Ran, type SegmentOptions, type Thrown } from './segment-host.ts';

export type { SegmentOptions } from './segment-host.ts';

/**
 * Ansible's recap counts a task once per host, however many loop items it has: failed if an item
 * failed, skipped if every item was skipped, else ok, and also changed if one changed (or would):
 * as in Ansible, `ok=` counts the changed tasks too.
 */
export function countTask(h: HostRun, rs: TaskResult[], rescued = false, ignored: boolean | 'ran' = false): void {
  if (!rs.length) return;
  // As Ansible: a failure a block's rescue catches counts as rescued, not failed; one that
  // `ignore_errors` lets pass counts as ok and ignored, and changed when something changed or a
  // command ran (`ran`: Ansible's command modules report changed whatever their exit code).
  if (rs.some((r) => r.status === 'failed')) {
    if (rescued) h.recap.rescued = (h.recap.rescued ?? 0) + 1;
    else if (ignored) {
      h.recap.ok += 1;
      h.recap.ignored = (h.recap.ignored ?? 0) + 1;
      if (ignored === 'ran' || rs.some((r) => r.status === 'changed' || r.status === 'would-change')) h.recap.changed += 1;
    } else h.recap.failed += 1;
  } else if (rs.every((r) => r.status === 'skipped')) h.recap.skipped += 1;
  else {
    h.recap.ok += 1;
    if (rs.some((r) => r.status === 'changed' || r.status === 'would-change')) h.recap.changed += 1;
  }
}

/** Whether a task's changes may share a script with its neighbours': nothing in it waits on the host's answer. */
export function batchable(t: Task): boolean {
  return (
    !t.meta &&
    !t.register &&
    t.changedWhen === undefined &&
    t.failedWhen === undefined &&
    !t.ignoreErrors &&
    t.throttle === undefined &&
    // rescue/always and until decide on the host's answer (blocks.ts, retry.ts); wait_for and uri wait on it.
    !t.block &&
    !t.retry &&
    t.op !== 'wait_for' &&
    t.op !== 'uri' &&
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

/** Apply tasks [from, to] of a play (each batchable) on every live host, then report them task by task. */
export async function applySegment(p: PlayRun, o: SegmentOptions, from: number, to: number): Promise<void> {
  const hosts = p.hosts.filter((h) => !h.failed);
  const name = (i: number) => p.play.tasks[i]!.name;
  const first = hosts.filter((h) => p.tasks.get(h.name)?.[from]?.length);
  if (first.length) o.emitter.emit('task:start', { task: name(from), hosts: first.map((h) => h.name), handler: false });
  const limit = forkLimit(o.forks);
  const runs = new Map<HostRun, Ran[]>();
  const thrown: Thrown[] = [];
  await Promise.all(
    hosts.map((h) =>
      limit(async () => {
        const r = await runHost(p, o, h, from, to);
        runs.set(h, r.ran);
        if (r.thrown) thrown.push(r.thrown);
      }),
    ),
  );
  const stop = thrown.sort((a, b) => a.index - b.index)[0];
  for (let i = from; i <= to; i++) {
    if (stop && i === stop.index) throw stop.error;
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
