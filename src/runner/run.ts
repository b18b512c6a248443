/**
 * A whole `provision` run: inventory and playbook loaded and every task rendered for every host
 * before anything connects; then one connection per host, plays in order, and a recap.
 */
import { randomBytes } from 'node:crypto';
import { dirname } from 'node:path';
import { ConnectError, InventoryError } from '../core/errors.ts';
import { forkLimit, type ForkLimit } from '../core/forks.ts';
import { makeMasker } from '../core/mask.ts';
import type { TaskResult } from '../core/result.ts';
import { FactCache } from '../facts/gather.ts';
import { connectionSpecFor } from '../inventory/connection.ts';
import { loadInventory } from '../inventory/load.ts';
import { selectHosts } from '../inventory/limit.ts';
import { secretValues } from '../inventory/secrets.ts';
import { loadPlaybook } from '../playbook/load.ts';
import { META_OP } from '../playbook/meta.ts';
import { ConnectionPool } from '../transport/index.ts';
import type { HostRecap } from './events.ts';
import { expandTask, type HostTask } from './expand.ts';
import { HostRun } from './host-run.ts';
import { acquireScript, checkLock, describeHolder, releaseScript } from '../host/lock.ts';
import { historyKeep, pruneScript } from '../host/retention.ts';
import { applyPlay, INTERRUPTED, reportPlan } from './play.ts';
import { runDefaults, type ResolvedRunOptions, type RunOptions } from './options.ts';
import { factRequests, planRun, type PlayRun } from './plan.ts';
import { playVars } from '../vars/play-vars.ts';
import { traced } from './trace.ts';
import { checkPlayVars, unusedVarWarnings } from './check-vars.ts';
import { startAtTask } from './start-at.ts';
import { STEP_STOPPED, StepMode } from './step-mode.ts';
import { stepThroughPlan } from './step-check.ts';

export type { RunOptions } from './options.ts';

/** What a run returns: its id, the recap per host, every task result and the exit code. */
export interface RunSummary {
  runId: string;
  recap: Record<string, HostRecap>;
  results: TaskResult[];
  /** Ansible's exit codes: 0 ok, 2 a host failed, 3 a host unreachable. */
  exitCode: number;
}

export function newRunId(): string {
  return `${new Date()
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z')}-${randomBytes(3).toString('hex')}`;
}

/** Run a playbook over an inventory: plan everything, then apply (unless checking); never leaves a lock behind. */
export async function runPlaybook(options: RunOptions): Promise<RunSummary> {
  const o = runDefaults(options);
  const started = Date.now();
  const inv = await loadInventory(o.inventory, { playbookDir: dirname(o.playbook), vault: o.vault });
  const pb = startAtTask(
    await loadPlaybook(o.playbook, o.ops, { ...(o.rolesPath ? { rolesPath: o.rolesPath } : {}), ...(o.vault ? { vault: o.vault } : {}) }),
    o.startAtTask,
  );
  const mask = makeMasker([...secretValues(inv), ...o.secrets, ...(o.vault?.revealed ?? [])]);
  for (const message of unusedVarWarnings(pb, inv, o.extraVarOrigins)) o.emitter.emit('info', { message: `[WARNING] ${message}` });
  const runId = newRunId();
  o.emitter.emit('run:start', { runId, playbook: pb.file, check: o.check });
  const pool = new ConnectionPool(o.open);
  const results: TaskResult[] = [];
  o.emitter.on('task:result', (r) => results.push(r));
  const hostRuns = new Map<string, HostRun>();
  const recap: Record<string, HostRecap> = {};
  // Everything is rendered and validated before the first connection.
  const plays = pb.plays.map((play) => {
    let names: string[] = [];
    try {
      selectHosts(inv, undefined, play.hosts);
      names = selectHosts(inv, o.limit, play.hosts);
    } catch (err) {
      // As Ansible: a play whose `hosts:` matches nothing in this inventory is skipped with a warning;
      // a --limit that matches nothing is an error (selectHosts throws it above for the limit alone).
      if (!(err instanceof InventoryError) || !err.message.includes("play's `hosts:`")) throw err;
      o.emitter.emit('info', { message: `[WARNING] play "${play.name}": ${err.message}; skipping it` });
    }
    const vars = playVars(inv, play, o.extraVars, names);
    checkPlayVars(play, names, vars, inv, o.extraVarOrigins, o.extraVars, mask);
    const expand = (list: typeof play.tasks) =>
      new Map(
        names.map(
          (n) =>
            [
              n,
              list.map((t) =>
                expandTask(
                  t,
                  t.meta ? META_OP : o.ops.get(t.op)!,
                  n,
                  vars[n]!,
                  t.implicit || t.listen.length || play.handlers.includes(t) ? { tags: [], skipTags: [] } : o.tags,
                ),
              ),
            ] as [string, HostTask[][]],
        ),
      );
    return { play, names, vars, tasks: expand(play.tasks), handlers: expand(play.handlers) };
  });
  const limit = forkLimit(o.forks);
  let stepStopped = false;
  try {
    // Connect every host of every play first: an unreachable host stops the run before any change.
    const all = [...new Set(plays.flatMap((p) => p.names))];
    await Promise.all(
      all.map((name) =>
        limit(async () => {
          recap[name] = { ok: 0, changed: 0, failed: 0, skipped: 0, unreachable: false, roundTrips: 0, connections: 0, changes: 0 };
          const vars = plays.find((p) => p.vars[name])!.vars[name]!;
          try {
            const spec = connectionSpecFor(inv.hosts.get(name)!, o.connection, vars);
            // One connection per host: a play's `become: true` makes it become for the whole run.
            const becomes = (p: (typeof plays)[number]) => p.play.become || [...p.play.tasks, ...p.play.handlers].some((t) => t.become);
            if (plays.some((p) => becomes(p) && p.names.includes(name))) spec.become = true;
            const conn = await pool.get(spec);
            const t = (o.debug ?? 0) >= 3 ? traced(conn, name, o.emitter, mask) : conn;
            const h = new HostRun(name, t, vars, new FactCache(t, name), runId, pb.file, mask);
            h.emitter = o.emitter;
            hostRuns.set(name, h);
            recap[name] = h.recap;
          } catch (err) {
            if (!(err instanceof ConnectError)) throw err;
            recap[name]!.unreachable = true;
            o.emitter.emit('host:unreachable', { host: name, message: mask(err.message), hint: err.hint });
          }
        }),
      ),
    );
    if (Object.values(recap).some((r) => r.unreachable)) {
      o.emitter.emit('info', { message: 'a host is unreachable: nothing was changed on any host' });
    } else {
      stepStopped = await planAndApply(
        o,
        limit,
        plays.map((p) => ({
          play: p.play,
          hosts: p.names.map((n) => hostRuns.get(n)!),
          tasks: p.tasks,
          handlers: p.handlers,
          hostvars: p.vars,
          baseDir: p.play.baseDir,
        })),
        [...hostRuns.values()],
        runId,
        mask,
        o.interrupt,
      );
    }
  } finally {
    // Decided before close(), which clears lockHeld: a host that failed only on someone else's lock is not ours to undo.
    const toRollBack = o.rollbackOnFailure && !o.check ? [...hostRuns.values()].filter((h) => h.failed && h.lockHeld && h.journaled) : [];
    const interrupted = !!o.interrupt?.aborted;
    // A run whose --step answers ended stopped short too: its record says so, as after Ctrl-C.
    await Promise.all([...hostRuns.values()].map((h) => limit(() => close(h, interrupted || stepStopped))));
    if (interrupted && !o.check) {
      o.emitter.emit('info', {
        message:
          `interrupted: the changes in flight finished, nothing new was started, the locks are released and run ${runId} ` +
          'is recorded as interrupted. To finish, run the same command again (it makes only what is left); ' +
          `to undo what this run did: provision rollback -i ${o.inventory} --run ${runId}`,
      });
    }
    // After close(): it rewrites the run record as failed, which the rollback then marks rolled back.
    await Promise.all(
      toRollBack.map((h) =>
        limit(async () => {
          const peers = new Map([...hostRuns.values()].map((x) => [x.name, x.transport]));
          const r = await o.rollbackOnFailure!(h.transport, h.name, h.runId, peers).catch((e: Error) => e);
          o.emitter.emit('info', {
            host: h.name,
            message:
              r instanceof Error
                ? `failed, and putting it back where this run found it failed too: ${r.message}`
                : `failed: put back where this run found it (${r.message}); --keep-failed leaves a failed host as it is`,
          });
        }),
      ),
    );
    for (const h of hostRuns.values()) {
      h.recap.roundTrips = h.transport.stats.roundTrips;
      h.recap.connections = h.transport.stats.connections;
      h.recap.waitMs = Math.round(h.transport.stats.waitMs ?? 0);
      h.recap.connectMs = Math.round(h.transport.stats.connectMs ?? 0);
    }
    await pool.closeAll();
  }
  const exitCode = Object.values(recap).some((r) => r.unreachable)
    ? 3
    : Object.values(recap).some((r) => r.failed > 0) || stepStopped
      ? 2
      : o.interrupt?.aborted
        ? 130
        : 0;
  o.emitter.emit('run:end', { runId, recap, durationMs: Date.now() - started, exitCode });
  return { runId, recap, results, exitCode };
}

/**
 * One round trip per host gathers every fact of every play (and takes the lock); then the whole
 * run is planned; then, unless checking or the plan failed somewhere, the plays are applied.
 */
async function planAndApply(
  o: Pick<ResolvedRunOptions, 'forks' | 'check' | 'breakStaleLock' | 'emitter' | 'debug' | 'step'>,
  limit: ForkLimit,
  plays: PlayRun[],
  hosts: HostRun[],
  runId: string,
  mask: (s: string) => string,
  signal?: AbortSignal,
): Promise<boolean> {
  const { forks } = o;
  const gathered = await Promise.all(
    hosts.map((h) =>
      limit(async () => {
        try {
          const out = await h.facts.gather(factRequests(plays, h), o.check ? '' : acquireScript(runId, { breakStale: o.breakStaleLock }));
          if (!o.check) {
            const broken = checkLock(out, h.name);
            h.lockHeld = true;
            if (broken) o.emitter.emit('info', { host: h.name, message: `broke a stale lock: ${describeHolder(broken)}` });
          }
          if ((o.debug ?? 0) >= 2)
            o.emitter.emit('debug', { host: h.name, level: 2, message: `facts:\n  ${h.facts.summary().map(mask).join('\n  ')}` });
          return true;
        } catch (err) {
          h.failed = true;
          h.recap.failed += 1;
          o.emitter.emit('host:failed', { host: h.name, message: mask((err as Error).message), hint: (err as { hint?: string }).hint });
          return false;
        }
      }),
    ),
  );
  if (gathered.includes(false)) {
    o.emitter.emit('info', { message: 'nothing was changed on any host' });
    return false;
  }
  // A rolling restart drains members on the Apache hosts: they must be connected like every other host.
  const names = new Set(hosts.map((h) => h.name));
  const absent = [
    ...new Set(
      plays
        .flatMap((p) => [...p.handlers.values()].flat(2).flatMap((ht) => ht.rolling?.balancers ?? []))
        .map((b) => b.host)
        .filter((n) => !names.has(n)),
    ),
  ];
  if (absent.length && !o.check) {
    for (const h of hosts) h.failed = true;
    o.emitter.emit('host:failed', {
      host: absent.join(', '),
      message:
        `the rolling restart drains Tomcat instances from the balancer on ${absent.join(', ')}, ` +
        'which this run does not include: nothing was changed on any host',
      hint:
        `add the Apache hosts to --limit (e.g. --limit '${'tomcat'}:apache'), ` +
        "or check the host names in the handler's `rolling.balancer.hosts`",
    });
    return false;
  }
  if (signal?.aborted) return false;
  // --step --check asks row by row and re-plans without what is answered `n` (step-check.ts): it starts from the facts as read.
  const read = o.check && o.step ? new Map(hosts.map((h) => [h, { facts: h.facts, registered: { ...h.registered } }])) : undefined;
  const plan = await planRun(plays, hosts, { forks, mask, check: o.check, emitter: o.emitter });
  if (read && o.step && !plan.failed) {
    return stepThroughPlan(plays, hosts, plan, read, new StepMode(o.step, o.emitter, mask), { forks, mask, emitter: o.emitter });
  }
  if (o.check || plan.failed) {
    plays.forEach((p, i) => reportPlan(p, plan.rows[i]!, { emitter: o.emitter, check: o.check }));
    if (plan.failed) {
      o.emitter.emit('info', { message: 'the plan failed on at least one host: nothing was changed on any host' });
      for (const h of hosts) h.failed = true;
    }
    return false;
  }
  const all = new Map(hosts.map((h) => [h.name, h]));
  const stepper = o.step ? new StepMode(o.step, o.emitter, mask) : undefined;
  for (const p of plays) {
    if (signal?.aborted) return false;
    // As Ansible: no empty play header once every host of the play has failed.
    if (p.hosts.length && p.hosts.every((h) => h.failed)) {
      o.emitter.emit('info', { message: `NO MORE HOSTS LEFT for PLAY [${p.play.name}]: every host of it failed` });
      continue;
    }
    const r = await applyPlay(p, { forks, emitter: o.emitter, mask, all, ...(signal ? { signal } : {}), ...(stepper ? { stepper } : {}) });
    if (r.abort === INTERRUPTED) return false;
    // The answers ended (stdin at EOF): the run stops there, as ansible-playbook (exit 2); what was made stays.
    if (r.abort === STEP_STOPPED) return true;
    if (r.abort) {
      o.emitter.emit('info', { message: `${r.abort}: no later play runs` });
      // Hosts that did not fail keep their state; the recap and exit code show the failure.
      return false;
    }
  }
  return false;
}

/** Release the lock and close the run record, in one round trip; never throws. */
async function close(h: HostRun, interrupted: boolean): Promise<void> {
  // Old runs are pruned under our lock, before it is released; a run that journaled nothing added
  // no run to the host's history, so there is nothing new to prune (a process per kept run saved).
  const script = [
    h.closeScript(h.failed ? 'failed' : interrupted ? 'interrupted' : 'complete'),
    !h.failed && h.lockHeld && h.journaled ? pruneScript(historyKeep(h.vars)) : '',
    h.lockHeld ? releaseScript(h.runId) : '',
  ]
    .filter(Boolean)
    .join('\n');
  if (!script) return;
  await h.transport.exec(script).catch(() => undefined);
  h.lockHeld = false;
}
