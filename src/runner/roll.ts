/**
 * Rolling restarts: a handler with `rolling:` restarts its units (one per loop item: a Tomcat
 * instance) one at a time, in a stable order across every host of the play (host order, then item
 * order). For each unit: drained in every Apache balancer that has it as a member (balancer-manager:
 * no Apache restart), stopped, the notifying tasks' changes to its files made only now (they were
 * held back: Tomcat never undeploys a live application under users), started and waited for (its
 * port, its application, and, while another unit runs, its session state received), enabled
 * again; only then the next. A unit that fails stops the roll: it stays out of the balancer, every
 * other unit keeps serving its old files, and no later unit or play runs.
 */
import type { Change } from '../core/change.ts';
import { CommandError, ProvisionError } from '../core/errors.ts';
import type { TaskResult } from '../core/result.ts';
import type { RollRecord } from '../host/layout.ts';
import type { HostTask } from './expand.ts';
import type { HostRun } from './host-run.ts';
import { planContext, type PlayRun } from './plan.ts';
import { owns } from './roll-spec.ts';
import { statusCommand, WAIT_TIMEOUT_MS, waitText, withFailPattern } from '../host/service-script.ts';
import type { Masker } from './task-run.ts';
import type { RunEmitter } from './events.ts';

/** A change held back until its unit is stopped. */
export interface Deferred {
  change: Change;
  task: string;
  /** The task's masker (its operation's secret arguments), for the journal. */
  mask: Masker;
}

/** Where a task's change waits: the key of the rolling unit that owns its path, if any. */
export function deferKey(p: PlayRun, h: HostRun, ht: HostTask, change: Change): string | undefined {
  const path = change.kind === 'copytree' ? change.dest : 'path' in change ? change.path : undefined;
  if (!path || change.kind === 'firewall') return undefined;
  for (const [hi, handler] of p.play.handlers.entries()) {
    if (!handler.rolling || !(ht.task.notify.includes(handler.name) || handler.listen.some((l) => ht.task.notify.includes(l)))) continue;
    const items = p.handlers.get(h.name)?.[hi] ?? [];
    const i = items.findIndex((x) => x.rolling && !x.skip && owns(x.rolling, path));
    if (i >= 0) return `${hi}:${i}`;
  }
  return undefined;
}

export interface RollOptions {
  emitter: RunEmitter;
  mask: Masker;
  /** Every host of the run by name (the balancers' Apache hosts may be in another play). */
  all: Map<string, HostRun>;
  /** Ctrl-C: the unit in flight finishes, no next unit starts. */
  signal?: AbortSignal;
}

interface Unit {
  h: HostRun;
  ht: HostTask;
  key: string;
}

const say = (o: RollOptions, h: HostRun, message: string) => o.emitter.emit('info', { host: h.name, message: o.mask(message) });

/** The shell test that a unit is a peer to get state from: its `member_check`, else its service status. */
function memberCommand(ht: HostTask): string {
  if (ht.rolling?.memberCheck) return ht.rolling.memberCheck;
  const a = ht.args as { name: string; status?: string };
  return statusCommand({ name: a.name, ...(a.status ? { status: a.status } : {}) });
}

async function isMember(u: Unit): Promise<boolean> {
  return (await u.h.transport.exec(`{ ${memberCommand(u.ht)}\n} >/dev/null 2>&1`)).code === 0;
}

/** Apply changes grouped by their task, so the journal keeps each change's own task. */
async function applyDeferred(h: HostRun, list: Deferred[], roll?: RollRecord): Promise<void> {
  for (let i = 0; i < list.length;) {
    let j = i;
    while (j < list.length && list[j]!.task === list[i]!.task) j++;
    await h.applyAll(
      list.slice(i, j).map((d) => d.change),
      list[i]!.task,
      { mask: list[i]!.mask, ...(roll ? { roll } : {}) },
    );
    i = j;
  }
}

/** Roll one unit; returns its result (failed results carry the message and hint). */
async function rollUnit(p: PlayRun, u: Unit, peersUp: boolean, o: RollOptions): Promise<TaskResult> {
  const { h, ht } = u;
  const started = Date.now();
  const base = { host: h.name, task: ht.label, ...(ht.item !== undefined ? { item: ht.item } : {}), diffs: [] };
  const pending = h.deferred.get(u.key) ?? [];
  h.deferred.delete(u.key);
  const spec = ht.rolling!;
  const done: string[] = [];
  // Where a roll spends its time, per step (the benchmark reports it).
  const steps: { step: string; ms: number }[] = [];
  let mark = Date.now();
  const lap = (step: string) => {
    steps.push({ step, ms: Date.now() - mark });
    mark = Date.now();
  };
  try {
    await h.facts.gather(ht.op.facts(ht.args, planContext(p, h, ht)));
    const planned = (await ht.op.plan(ht.args, h.facts, planContext(p, h, ht))).changes;
    const svc = planned.find((c): c is Extract<Change, { kind: 'service' }> => c.kind === 'service');
    if (!svc)
      throw new ProvisionError(`the rolling handler "${ht.label}" must restart a service (its plan has no service change)`, {
        hint: 'use `service: {state: restarted, ...}` in a handler with `rolling:`',
      });
    const name = svc.service.name;
    const wait = withFailPattern(svc.wait, peersUp ? spec.withPeersFail : undefined);
    const roll: RollRecord = {
      unit: name,
      service: svc.service,
      ...(svc.wait ? { wait: svc.wait } : {}),
      ...(spec.withPeersFail ? { withPeersFail: spec.withPeersFail } : {}),
      ...(spec.memberCheck ? { memberCheck: spec.memberCheck } : {}),
      balancers: spec.balancers,
      drainTimeoutMs: spec.drainTimeoutMs,
    };
    for (const b of spec.balancers) {
      const apache = o.all.get(b.host)!;
      const out = await apache.applyAll(
        [
          {
            kind: 'balancer',
            member: b.member,
            state: 'disabled',
            drainTimeoutMs: spec.drainTimeoutMs,
            summary: `drain ${b.member.route} from balancer://${b.member.balancer} on ${b.host}`,
          },
        ],
        ht.label,
      );
      const line = out.join(' ');
      const skip = /skip=(.*)/.exec(line)?.[1];
      done.push(skip ? `not drained on ${b.host} (${skip})` : `drained from balancer://${b.member.balancer} on ${b.host}`);
      say(o, h, `${name}: ${done[done.length - 1]}`);
    }
    lap('drain');
    if (svc.action === 'restart') {
      await h.applyAll(
        [{ kind: 'service', action: 'stop', service: svc.service, summary: `stop ${name} (out of the balancer)` }],
        ht.label,
        { roll },
      );
      done.push('stopped');
      say(o, h, `${name}: stopped`);
    }
    lap('stop');
    if (pending.length) {
      await applyDeferred(h, pending, roll);
      done.push(`${pending.length} change(s) made while stopped`);
      say(o, h, `${name}: ${pending.length} change(s) made while it is stopped`);
    }
    lap('files');
    o.emitter.emit('info', {
      host: h.name,
      message: o.mask(
        `${name}: starting; waiting for ${(wait && waitText(wait)) || 'its start'}` +
          `${peersUp && spec.withPeersFail ? ' and the session state from the other members' : ''}`,
      ),
      wait: { timeoutMs: wait?.timeoutMs ?? WAIT_TIMEOUT_MS },
    });
    await h.applyAll(
      [
        {
          ...svc,
          action: 'start',
          ...(wait ? { wait } : {}),
          summary: `start ${name}${peersUp && spec.withPeersFail ? ' (sessions received from the other members)' : ''}`,
        },
      ],
      ht.label,
      { roll, waitAnnounced: true },
    );
    done.push(peersUp && spec.withPeersFail ? 'started with the sessions' : 'started');
    lap('start');
    for (const b of spec.balancers) {
      const out = await o.all.get(b.host)!.applyAll(
        [
          {
            kind: 'balancer',
            member: b.member,
            state: 'enabled',
            summary: `enable ${b.member.route} in balancer://${b.member.balancer} on ${b.host}`,
          },
        ],
        ht.label,
      );
      if (!/skip=/.test(out.join(' '))) done.push(`enabled on ${b.host}`);
    }
    lap('enable');
    if (done.some((d) => d.startsWith('enabled'))) say(o, h, `${name}: back in the balancer`);
    const took = steps.map((x) => `${x.step} ${(x.ms / 1000).toFixed(1)} s`).join(', ');
    const message = `rolled ${name}: ${done.join(', ')} (${took})`;
    return {
      ...base,
      status: 'changed',
      message: o.mask(message),
      changes: [...pending.map((d) => o.mask(d.change.summary)), o.mask(message)],
      durationMs: Date.now() - started,
      steps,
    };
  } catch (err) {
    const e = err instanceof ProvisionError ? err : null;
    const msg = err instanceof Error ? err.message : String(err);
    const where = done.length ? ` (after: ${done.join(', ')})` : '';
    const stopped =
      e instanceof CommandError ? '; the roll stopped here: this instance stays out of the balancer, the others keep serving' : '';
    // No member seen while others run: the cluster never formed around it (the usual causes, and the fix).
    // Matched on Tomcat's log lines in the message (not on the fail pattern, which the message repeats).
    const alone = /Unable to start cluster\.[\s\S]*Operation not permitted/.test(msg)
      ? // EPERM on a send: a rule on this host drops outgoing packets (multicast heartbeats, the first to go out).
        'its cluster could not send: this host refuses the packets (a local firewall rule dropping outgoing multicast, ' +
        'e.g. to 228.0.0.4): allow them, or use static membership (cluster_membership: static)'
      : /skipping state transfer\. No members/.test(msg)
        ? 'it saw no other cluster member although one runs: ' +
          'open the membership and receiver ports between the members (firewall), ' +
          'check that multicast passes on this network, or use static membership (cluster_membership: static)'
        : undefined;
    const hint = alone ?? e?.hint;
    return {
      ...base,
      status: 'failed',
      message: o.mask(`${ht.item ?? ht.label}: ${msg}${where}${stopped}`),
      ...(hint ? { hint: o.mask(hint) } : {}),
      changes: [],
      durationMs: Date.now() - started,
    };
  }
}

/**
 * Run the rolling handler `hi` of play `p` on the hosts that notified it. Returns false when a
 * unit failed (the roll stopped there).
 */
export async function rollHandler(
  p: PlayRun,
  hi: number,
  notified: (h: HostRun) => boolean,
  o: RollOptions,
  report: (h: HostRun, r: TaskResult) => void,
): Promise<boolean> {
  const all: Unit[] = p.hosts.flatMap((h) => (p.handlers.get(h.name)?.[hi] ?? []).map((ht, i) => ({ h, ht, key: `${hi}:${i}` })));
  const units = all.filter((u) => !u.h.failed && notified(u.h));
  if (!units.length) return true;
  o.emitter.emit('task:start', { task: p.play.handlers[hi]!.name, hosts: [...new Set(units.map((u) => u.h.name))], handler: true });
  const order = units.filter((u) => !u.ht.skip).map((u) => `${u.ht.item ?? u.ht.label} on ${u.h.name}`);
  if (order.length > 1) o.emitter.emit('info', { message: `rolling restart, one at a time: ${order.join(' → ')}` });
  let startedOne = false;
  for (const u of units) {
    if (o.signal?.aborted) {
      const rest = units.slice(units.indexOf(u)).filter((x) => !x.ht.skip);
      if (rest.length)
        o.emitter.emit('info', {
          message:
            `interrupted: not rolled, still serving with their old files: ` +
            `${rest.map((x) => `${x.ht.item ?? x.ht.label} on ${x.h.name}`).join(', ')}`,
        });
      break;
    }
    if (u.ht.skip) {
      // Not restarted (e.g. manage_services false): its held-back changes are made as they are.
      await applyDeferred(u.h, u.h.deferred.get(u.key) ?? []);
      u.h.deferred.delete(u.key);
      report(u.h, {
        host: u.h.name,
        task: u.ht.label,
        ...(u.ht.item !== undefined ? { item: u.ht.item } : {}),
        status: 'skipped',
        message: u.ht.skip,
        diffs: [],
        changes: [],
        durationMs: 0,
      });
      continue;
    }
    // Another unit was rolled already, or runs as a member now: this one must get the sessions from it.
    let peersUp = startedOne;
    for (const other of all) if (!peersUp && other !== u && !other.ht.skip) peersUp = await isMember(other).catch(() => false);
    const r = await rollUnit(p, u, peersUp, o);
    report(u.h, r);
    if (r.status === 'failed') {
      u.h.failed = true;
      const rest = units.slice(units.indexOf(u) + 1).filter((x) => !x.ht.skip);
      if (rest.length)
        o.emitter.emit('info', {
          message:
            `the roll stopped at ${u.ht.item ?? u.ht.label} on ${u.h.name}: not restarted, still serving with their old files: ` +
            `${rest.map((x) => `${x.ht.item ?? x.ht.label} on ${x.h.name}`).join(', ')}`,
        });
      o.emitter.emit('task:end', { task: p.play.handlers[hi]!.name });
      return false;
    }
    startedOne = true;
  }
  o.emitter.emit('task:end', { task: p.play.handlers[hi]!.name });
  return true;
}
