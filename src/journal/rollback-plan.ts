/**
 * The rollback planner: pure, from a host's journal (as read) to the steps that undo one run and
 * every later one, newest first, entries in reverse order; then services back to their pre-run
 * state and one firewalld reload. Drift (a file changed by someone else since the run) is found here.
 */
import type { ServiceSpec } from '../core/change.ts';
import { restoreStep, type StepAction } from '../host/change-kind.ts';
import { changeDef } from '../host/changes/index.ts';
import type { PathState, RollRecord } from '../host/layout.ts';
import { effectiveStatus, type EntryRecord, type HostJournal, type RunRecord } from './read.ts';

export type { StepAction } from '../host/change-kind.ts';

export interface RollbackStep {
  run: string;
  seq: number;
  task: string;
  action: StepAction;
  /** The paths restored, with their backup index; `existed` tells restore from remove. */
  paths: { i: number; path: string; existed: boolean }[];
  /** The undo command (action `undo`). */
  command?: string;
  /** One line for the user. */
  text: string;
}

/** A service returned to its state before the first rolled-back run touched it. */
export interface ServiceStep {
  service: ServiceSpec;
  to: 'running' | 'stopped';
  /** Config check to pass before restarting it (e.g. `apachectl -t`). */
  check?: string;
}

/** A file changed since the run by someone else: rollback would overwrite it. */
export interface Drift {
  path: string;
  run: string;
  seq: number;
  /** What the run left there. */
  expected: string;
  /** What is there now. */
  found: string;
  /** Backup location (run id, seq, index) that rollback would restore. */
  backup: { run: string; seq: number; i: number; existed: boolean };
}

/** A rolling unit (a Tomcat instance) rolled back the way it was rolled: drained, stopped, restored, started, enabled. */
export interface UnitRollback {
  roll: RollRecord;
  /** Its steps, newest first. */
  steps: RollbackStep[];
  /** Whether its service ran before the first rolled-back run touched it (stopped: it stays stopped). */
  before: 'running' | 'stopped';
}

export interface RollbackPlan {
  /** The run named (or the last one). */
  target: string;
  /** Runs undone, newest first. */
  runs: string[];
  /** Runs after the target that were already rolled back (left alone). */
  skipped: string[];
  steps: RollbackStep[];
  services: ServiceStep[];
  /** Rolling units, in the order they were rolled; their steps and services are not in `steps`/`services`. */
  units: UnitRollback[];
  /** Steps run after every unit of the rollback is back (balancer members drained by a cut run). */
  late: RollbackStep[];
  /** A firewall entry is undone: reload firewalld so runtime matches the restored permanent config. */
  firewallReload: boolean;
  drift: Drift[];
  /** Set when there is nothing to do, saying why. */
  nothing?: string;
}

const describe = (s: PathState): string =>
  s.type === 'file'
    ? `file sha256 ${s.sha256.slice(0, 12)}…`
    : s.type === 'absent'
      ? 'nothing'
      : s.type === 'dir'
        ? 'a directory'
        : s.type === 'link'
          ? 'a symlink'
          : 'a special file';

const same = (a: PathState | undefined, b: PathState | undefined): boolean =>
  !!a && !!b && a.type === b.type && (a.type !== 'file' || a.sha256 === (b as { sha256: string }).sha256);

/** What a change left at its path, when the journal knows it. */
function expectedAfter(r: EntryRecord): PathState | undefined {
  return changeDef(r.entry.kind)?.left?.(r.entry);
}

/** The paths of an entry (journals written before `paths` existed name one `path`). */
function entryPaths(e: EntryRecord['entry']): string[] {
  return e.paths ?? ('path' in e && e.path ? [e.path] : []);
}

/** The kind's undo for one entry; a kind this version does not know is restored from its backups. */
function stepFor(run: RunRecord, r: EntryRecord): RollbackStep {
  const e = r.entry;
  const backedUp = entryPaths(e)
    .map((path, i) => ({ i, path, backup: r.backups.get(i) }))
    .filter((p) => p.backup !== undefined)
    .map(({ i, path, backup }) => ({ i, path, existed: backup!.type !== 'absent' }));
  const undo = (changeDef(e.kind)?.undo ?? restoreStep)(e, backedUp);
  return { run: run.meta.id, seq: e.seq, task: e.task, ...undo };
}

/** Files changed since the run: compare each path's current state to what the last rolled-back change left. */
function findDrift(order: { run: RunRecord; r: EntryRecord }[], status: (run: RunRecord) => string): Drift[] {
  const byPath = new Map<string, { run: RunRecord; r: EntryRecord; i: number }[]>();
  for (const x of order) {
    const paths = x.r.entry.paths ?? [];
    paths.forEach((p, i) => {
      if (x.r.backups.has(i)) byPath.set(p, [...(byPath.get(p) ?? []), { ...x, i }]);
    });
  }
  const out: Drift[] = [];
  for (const [path, touches] of byPath) {
    const first = touches[0]!;
    const last = touches[touches.length - 1]!;
    const expected = expectedAfter(last.r);
    const current = last.r.current.get(last.i);
    if (!expected || !current) continue;
    const pristine = first.r.backups.get(first.i);
    // A run cut before its last change: that change may not have been made, so its backup is what is there.
    const cut = status(last.run) !== 'complete' && same(current, last.r.backups.get(last.i));
    if (same(current, expected) || same(current, pristine) || cut) continue;
    out.push({
      path,
      run: last.run.meta.id,
      seq: last.r.entry.seq,
      expected: describe(expected),
      found: describe(current),
      backup: { run: first.run.meta.id, seq: first.r.entry.seq, i: first.i, existed: pristine?.type !== 'absent' },
    });
  }
  return out;
}

/**
 * Plan the rollback of `target` (default: the host's newest run) and every later run not already
 * rolled back, newest first.
 */
export function planRollback(j: HostJournal, target?: string): RollbackPlan {
  const empty = (t: string, nothing: string): RollbackPlan => ({
    target: t,
    runs: [],
    skipped: [],
    steps: [],
    services: [],
    units: [],
    late: [],
    firewallReload: false,
    drift: [],
    nothing,
  });
  const id = target ?? j.runs[j.runs.length - 1]?.meta.id;
  if (!id) return empty('', 'nothing to do: no run is journaled on this host');
  const at = j.runs.findIndex((r) => r.meta.id === id);
  if (at < 0) return empty(id, `nothing to do: run ${id} made no change on this host (or was pruned)`);
  if (j.runs[at]!.meta.status === 'rolled-back') return empty(id, `nothing to do: run ${id} was already rolled back`);
  const chosen = j.runs.slice(at).filter((r) => r.meta.status !== 'rolled-back');
  const skipped = j.runs
    .slice(at)
    .filter((r) => r.meta.status === 'rolled-back')
    .map((r) => r.meta.id);
  const status = (r: RunRecord) => effectiveStatus(r, j.lock);
  const order = chosen.flatMap((run) => run.entries.map((r) => ({ run, r })));
  const plain = [...order].reverse().filter(({ r }) => !r.entry.roll);
  // A drain left by a cut run is undone last, after every unit is back: enabling it earlier could
  // send users to an instance that rollback has not restored yet.
  const steps = plain.filter(({ r }) => r.entry.kind !== 'balancer').map(({ run, r }) => stepFor(run, r));
  const late = plain.filter(({ r }) => r.entry.kind === 'balancer').map(({ run, r }) => stepFor(run, r));
  // Entries made inside a rolling unit's window are undone unit by unit, in the order they rolled.
  const units = new Map<string, UnitRollback>();
  for (const { run, r } of order) {
    const roll = r.entry.roll;
    if (!roll) continue;
    const u = units.get(roll.unit) ?? { roll, steps: [], before: 'running' as const };
    if (!units.has(roll.unit)) {
      units.set(roll.unit, u);
      // The earliest service change of the unit tells how the rolled-back runs found it.
      const first = order.find((x) => x.r.entry.roll?.unit === roll.unit && x.r.entry.kind === 'service');
      if (first?.r.serviceBefore) u.before = first.r.serviceBefore;
    }
    // Its service changes are the unit's own stop and start: no step of their own.
    if (r.entry.kind !== 'service') u.steps.unshift(stepFor(run, r));
  }
  // Each service goes back to how the earliest rolled-back change found it.
  const services = new Map<string, ServiceStep>();
  for (const { r } of order) {
    const back = changeDef(r.entry.kind)?.restores?.(r.entry);
    if (!back?.service || r.entry.roll) continue;
    const prev = services.get(back.service.name);
    if (!prev && r.serviceBefore)
      services.set(back.service.name, { service: back.service, to: r.serviceBefore, ...(back.check ? { check: back.check } : {}) });
    else if (prev && !prev.check && back.check) prev.check = back.check;
  }
  const firewallReload = order.some(({ r }) => !!changeDef(r.entry.kind)?.reloadsFirewall && r.backups.size > 0);
  return {
    // A unit whose files the runs did not change (restarted only) needs no restart to be rolled back.
    target: id,
    runs: chosen.map((r) => r.meta.id).reverse(),
    skipped,
    steps,
    services: [...services.values()],
    units: [...units.values()].filter((u) => u.steps.length > 0),
    late,
    firewallReload,
    drift: findDrift(order, status),
  };
}
