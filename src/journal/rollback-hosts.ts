/**
 * `provision rollback` over an inventory: connect every selected host, read every journal and take
 * every lock first (a locked or unreachable host stops the rollback before any change anywhere),
 * settle which run is "the last one" across hosts, then roll back each host in parallel.
 */
import { makeMasker } from '../core/mask.ts';
import { ProvisionError } from '../core/errors.ts';
import { secretValues } from '../inventory/secrets.ts';
import { releaseScript } from '../host/lock.ts';
import { withHosts, type HostsOptions } from './hosts.ts';
import type { HostJournal } from './read.ts';
import { applyRollback, finishRollbacks, newLockId, openJournal, type HostRollback, type RollbackOptions } from './rollback.ts';

/** Result of `provision rollback`. */
export interface RollbackSummary {
  /** The run rolled back (named, or the newest on any selected host). */
  target?: string;
  hosts: HostRollback[];
  /** Hosts that could not be reached or locked, with the error; nothing was changed anywhere then. */
  errors: { host: string; error: ProvisionError | Error }[];
  /** 0 done or nothing to do; 2 drift or a failed step or a lock held; 3 a host unreachable. */
  exitCode: number;
}

/**
 * The run `provision rollback` means without --run: the newest run on any selected host, so a
 * host the last run did not change is left alone rather than losing an older run.
 */
export function lastRun(journals: HostJournal[]): string | undefined {
  const all = journals.flatMap((j) => j.runs.map((r) => r.meta));
  all.sort((a, b) => (a.time + a.id).localeCompare(b.time + b.id));
  return all[all.length - 1]?.id;
}

export async function rollbackHosts(o: HostsOptions & RollbackOptions): Promise<RollbackSummary> {
  const lockId = o.lockId ?? newLockId();
  return withHosts(o, async (hosts, inv, limit) => {
    const unreachable = hosts.filter((h) => h.error).map((h) => ({ host: h.name, error: h.error! }));
    if (unreachable.length) return { hosts: [], errors: unreachable, exitCode: 3 };
    const opened = await Promise.all(
      hosts.map((h) =>
        limit(async () => {
          try {
            return { h, j: await openJournal(h.transport!, h.name, { lockId, check: o.check, breakStaleLock: o.breakStaleLock }) };
          } catch (err) {
            return { h, error: err as Error };
          }
        }),
      ),
    );
    const errors = opened.filter((x) => x.error).map((x) => ({ host: x.h.name, error: x.error! }));
    if (errors.length) {
      // Give back the locks we did take: nothing is rolled back anywhere.
      if (!o.check)
        await Promise.all(opened.filter((x) => x.j).map((x) => x.h.transport!.exec(releaseScript(lockId)).catch(() => undefined)));
      return { hosts: [], errors, exitCode: e0(errors) };
    }
    const target = o.run ?? lastRun(opened.map((x) => x.j!));
    const mask = makeMasker(secretValues(inv));
    const applied = await Promise.all(
      opened.map((x) => limit(() => applyRollback(x.h.transport!, x.h.name, x.j!, target, { ...o, lockId, deferUnits: true }))),
    );
    // Rolling units (Tomcat instances) go back one at a time across every host, drained on the Apache hosts.
    const peers = new Map(hosts.filter((h) => h.transport).map((h) => [h.name, h.transport!]));
    const finished = await finishRollbacks(
      applied.map((r, i) => ({ r, t: opened[i]!.h.transport! })),
      peers,
    );
    const results = finished.map((r) => ({
      ...r,
      // Drift diffs and step output show file contents: secret values never reach the terminal.
      diffs: r.diffs.map((d) => ({
        ...d,
        before: d.before === null ? null : mask(d.before),
        after: d.after === null ? null : mask(d.after),
      })),
      items: r.items.map((it) => (it.output ? { ...it, output: mask(it.output) } : it)),
    }));
    const bad = results.some((r) => r.outcome === 'failed' || r.outcome === 'drift');
    return { ...(target ? { target } : {}), hosts: results, errors: [], exitCode: bad ? 2 : 0 };
  });
}

/** The exit code of the first typed error (a held lock is 2). */
function e0(errors: { error: Error }[]): number {
  const e = errors.find((x) => x.error instanceof ProvisionError)?.error as ProvisionError | undefined;
  return e?.exitCode ?? 1;
}
