/**
 * Rollback on one host: read the journal and take the lock (one round trip), plan (pure), show
 * drift with diffs, then apply the plan, mark the runs and release the lock (one round trip).
 * The rollback writes no journal of its own: the runs it undid are marked `rolled-back`, and every
 * later rollback skips them, so nothing is ever replayed twice.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { FileDiff } from '../core/result.ts';
import type { Transport } from '../transport/types.ts';
import { acquireScript, checkLock, describeHolder, releaseScript } from '../host/lock.ts';
import { runDir, seqName } from '../host/layout.ts';
import { parseJournal, readJournalScript, type HostJournal } from './read.ts';
import { planRollback, type RollbackPlan, type UnitRollback } from './rollback-plan.ts';
import { lateItems, markScript, parseReport, rollbackScript, scriptItems, unitItems } from './rollback-script.ts';
import { finishScript, rollUnitsBack } from './rollback-units.ts';

/** Options of a rollback on one host. */
export interface RollbackOptions {
  /** Undo this run and every later one on the host; default the host's newest run. */
  run?: string;
  /** Plan only: read the journal, take no lock, change nothing. */
  check?: boolean;
  /** Overwrite files changed by someone else since the run (drift). */
  force?: boolean;
  /** Break a lock whose holder is no longer connected. */
  breakStaleLock?: boolean;
  /** The id the lock names as holder; default a new `rollback-…` id. */
  lockId?: string;
  /** Bound for the apply round trip (service restarts included). Default 10 minutes. */
  timeoutMs?: number;
  /** Connections by inventory name: the Apache hosts a rolling unit is drained on. Default: this host alone. */
  peers?: Map<string, Transport>;
}

/** How one item of the plan went. */
export interface ItemResult {
  text: string;
  /** `done`, `failed`, `planned` (check), or `note` (nothing to run: cannot undo, never made). */
  status: 'done' | 'failed' | 'planned' | 'note';
  /** The tail of its output, when it failed or said something. */
  output?: string;
}

export interface HostRollback {
  host: string;
  plan: RollbackPlan;
  /** `rolled-back`; `nothing` to do; `planned` (check); refused for `drift`; `failed` (a step failed). */
  outcome: 'rolled-back' | 'nothing' | 'planned' | 'drift' | 'failed';
  items: ItemResult[];
  /** For drift: what rollback would overwrite (before = now, after = what it would restore). */
  diffs: FileDiff[];
  message: string;
  /** Rolling units still to roll back (the lock is still held); `finishRollbacks` does them. */
  pending?: { units: UnitRollback[]; plainOk: boolean; release: string };
  /** `--break-stale-lock` broke this lock to start: whose, and how old. */
  brokenLock?: string;
}

export function newLockId(): string {
  return `rollback-${new Date()
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z')}-${randomBytes(3).toString('hex')}`;
}

const SEP = '--provision-journal--';

/** Round trip 1: take the lock (unless check) and read the journal. Throws LockError when held. */
export async function openJournal(
  t: Transport,
  host: string,
  o: { lockId: string; check?: boolean; breakStaleLock?: boolean; entries?: boolean },
): Promise<HostJournal> {
  const lock = o.check ? '' : acquireScript(o.lockId, { breakStale: !!o.breakStaleLock });
  const res = await t.exec(`${lock}\necho ${SEP}\n${readJournalScript({ entries: o.entries ?? true })}`);
  const at = res.stdout.indexOf(SEP);
  if (at < 0) throw new Error(`could not read the journal on ${host}: ${res.stderr.trim() || `exit ${res.code}`}`);
  const broken = o.check ? undefined : checkLock(res.stdout.slice(0, at), host);
  const j = parseJournal(res.stdout.slice(at + SEP.length));
  return broken ? { ...j, brokenLock: describeHolder(broken) } : j;
}

/** A file's text for a drift diff; a read error becomes the diff's text rather than hiding the drift. */
async function text(t: Transport, path: string): Promise<string | null> {
  try {
    const b = await t.readFile(path);
    if (b === null) return null;
    // A binary file (a WAR) is shown by checksum, as the run's own diffs do.
    return b.includes(0) ? `sha256:${createHash('sha256').update(b).digest('hex')}` : b.toString('utf8');
  } catch (err) {
    return `(could not read ${path}: ${(err as Error).message})\n`;
  }
}

/** Plan and apply on a host whose journal was opened (and lock taken, unless check). Releases the lock. */
export async function applyRollback(
  t: Transport,
  host: string,
  j: HostJournal,
  target: string | undefined,
  o: RollbackOptions & { lockId: string; deferUnits?: boolean },
): Promise<HostRollback> {
  const plan = planRollback(j, target);
  const release = o.check ? '' : releaseScript(o.lockId);
  const done = async (r: Omit<HostRollback, 'host' | 'plan'>): Promise<HostRollback> => {
    if (release && r.outcome !== 'rolled-back' && r.outcome !== 'failed') await t.exec(release).catch(() => undefined);
    return { host, plan, ...r, ...(j.brokenLock ? { brokenLock: j.brokenLock } : {}) };
  };
  if (plan.nothing) return done({ outcome: 'nothing', items: [], diffs: [], message: plan.nothing });
  const items = scriptItems(plan);
  const unitText = plan.units.flatMap((u) => [
    ...u.roll.balancers.map((b) => `drain ${b.member.route} from balancer://${b.member.balancer} on ${b.host}`),
    ...unitItems(u, false).map((i) => i.text),
    ...(u.before === 'running'
      ? u.roll.balancers.map((b) => `enable ${b.member.route} in balancer://${b.member.balancer} on ${b.host}`)
      : []),
  ]);
  const planned = (): ItemResult[] => [
    ...items.map((it, k): ItemResult => ({ text: it.text, status: it.body || k >= plan.steps.length ? 'planned' : 'note' })),
    ...unitText.map((text): ItemResult => ({ text: `(rolling, one instance at a time) ${text}`, status: 'planned' })),
    ...lateItems(plan).map((it): ItemResult => ({ text: `(once every instance is back) ${it.text}`, status: 'planned' })),
  ];
  const runs = `run ${plan.runs.join(', ')}`;
  if (plan.drift.length && !o.force) {
    const diffs: FileDiff[] = [];
    for (const d of plan.drift) {
      const b = `${runDir(d.backup.run)}/backups/${seqName(d.backup.seq)}.${d.backup.i}`;
      const [before, after] = [await text(t, d.path), d.backup.existed ? await text(t, b) : null];
      const binary = [before, after].some((x) => x?.startsWith('sha256:'));
      diffs.push({ path: d.path, before, after, ...(binary ? { binary } : {}) });
    }
    const list = plan.drift.map((d) => `${d.path} (run ${d.run} left ${d.expected}, found ${d.found})`).join('; ');
    return done({
      outcome: 'drift',
      items: planned(),
      diffs,
      message: `not rolled back: changed since ${runs} by someone else: ${list}; rerun with --force to overwrite`,
    });
  }
  if (o.check) return done({ outcome: 'planned', items: planned(), diffs: [], message: `would roll back ${runs}` });
  const finish = plan.units.length === 0 && plan.late.length === 0;
  const res = await t.exec(rollbackScript(plan, release, finish), { timeoutMs: o.timeoutMs ?? 600_000 });
  const { results, marked } = parseReport(res.stdout);
  const out: ItemResult[] = items.map((it, k) => {
    const r = results.get(k);
    if (!r)
      return {
        text: it.text,
        status: 'failed',
        output: k === 0 || results.has(k - 1) ? res.stderr.trim() || `the rollback script stopped (exit ${res.code})` : undefined,
      };
    if (!it.body) return { text: it.text, status: 'note' };
    return { text: it.text, status: r.code === 0 ? 'done' : 'failed', ...(r.output ? { output: r.output } : {}) };
  });
  const failed = out.filter((x) => x.status === 'failed').length;
  if (!finish) {
    const r: HostRollback = {
      host,
      plan,
      outcome: 'failed',
      items: out,
      diffs: [],
      message: '',
      pending: { units: plan.units, plainOk: marked && !failed, release },
      ...(j.brokenLock ? { brokenLock: j.brokenLock } : {}),
    };
    // Alone (--rollback-on-failure, rollbackHost): roll this host's units now; rollbackHosts rolls every host's in order.
    return o.deferUnits ? r : (await finishRollbacks([{ r, t }], o.peers ?? new Map([[host, t]])))[0]!;
  }
  return {
    host,
    plan,
    ...(j.brokenLock ? { brokenLock: j.brokenLock } : {}),
    outcome: marked && !failed ? 'rolled-back' : 'failed',
    items: out,
    diffs: [],
    message:
      marked && !failed
        ? `rolled back ${runs}`
        : `rollback of ${runs} failed at ${failed} step(s): the runs stay as they were; fix the cause and roll back again`,
  };
}

/**
 * The rolling units of hosts whose plain steps are done, one at a time across the hosts in order;
 * then each host's runs are marked rolled back (when all of it succeeded) and its lock released.
 */
export async function finishRollbacks(list: { r: HostRollback; t: Transport }[], peers: Map<string, Transport>): Promise<HostRollback[]> {
  const todo = list
    .filter((x) => x.r.pending?.plainOk)
    .flatMap((x) => x.r.pending!.units.map((unit) => ({ host: x.r.host, t: x.t, unit })));
  const { items, ok: allBack } = await rollUnitsBack(todo, peers);
  return Promise.all(
    list.map(async ({ r, t }) => {
      if (!r.pending) return r;
      const unitItems = items.get(r.host) ?? [];
      // Every unit of the whole rollback is back (and this host's plain steps went through).
      const ok = r.pending.plainOk && allBack && unitItems.every((i) => i.status !== 'failed');
      const late = lateItems(r.plan);
      const res = await t.exec(finishScript(late, markScript(r.plan.runs), r.pending.release, ok)).catch(() => ({ stdout: '' }));
      const marked = ok && /^M$/m.test(res.stdout);
      const lateResults = parseReport(res.stdout).results;
      const lateOut = late.map((it, k): ItemResult => {
        const x = lateResults.get(k);
        if (!x)
          return { text: it.text, status: ok ? 'failed' : 'note', ...(ok ? {} : { output: 'not run: an instance did not come back' }) };
        return { text: it.text, status: x.code === 0 ? 'done' : 'failed', ...(x.output ? { output: x.output } : {}) };
      });
      const all = [...r.items, ...unitItems, ...lateOut];
      const failed = all.filter((x) => x.status === 'failed').length;
      const runs = `run ${r.plan.runs.join(', ')}`;
      const { pending: _, ...rest } = r;
      return marked
        ? {
            ...rest,
            outcome: 'rolled-back' as const,
            items: all,
            message: `rolled back ${runs}${r.pending.units.length ? ', one instance at a time' : ''}`,
          }
        : {
            ...rest,
            outcome: 'failed' as const,
            items: all,
            message: `rollback of ${runs} failed at ${failed || 1} step(s): the runs stay as they were; fix the cause and roll back again`,
          };
    }),
  );
}

/** Roll back one host: `runId` and every later run (the runner's --rollback-on-failure calls this). */
export async function rollbackHost(
  transport: Transport,
  host: string,
  runId: string | undefined,
  opts: RollbackOptions = {},
): Promise<HostRollback> {
  const lockId = opts.lockId ?? newLockId();
  const j = await openJournal(transport, host, { lockId, check: opts.check, breakStaleLock: opts.breakStaleLock });
  return applyRollback(transport, host, j, runId ?? opts.run, { ...opts, lockId });
}
