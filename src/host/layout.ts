/**
 * Where the journal lives on a host, and what a run record and an entry hold. Everything here is
 * data written on the host BEFORE the change it describes, so an interrupted run can be undone.
 *
 *   /var/lib/provision/lock/holder            the lock (mkdir is atomic), holder as key=value lines
 *   /var/lib/provision/runs/<id>/run          key=value: id, time, user, control, playbook, status
 *   /var/lib/provision/runs/<id>/entries/NNNN JSON of one change, before it is made
 *   /var/lib/provision/runs/<id>/backups/NNNN byte-exact copy (cp -a: content, mode, owner)
 *   /var/lib/provision/runs/<id>/backups/NNNN.absent   the path did not exist before
 *   /var/lib/provision/cache/<hash>          a command fact's kept answer (facts/host-cache.ts)
 *
 * What an entry holds is each change kind's own (`changes/<kind>.ts`, the `JournalEntry` union).
 */
import type { BalancerMemberRef, ServiceSpec, WaitSpec } from '../core/change.ts';
import { STATE_DIR } from '../core/state-dir.ts';

/** Root of everything provision keeps on a host. */
export { STATE_DIR };
/** The host lock: a directory, because mkdir is atomic. */
export const LOCK_DIR = `${STATE_DIR}/lock`;
/** One directory per run. */
export const RUNS_DIR = `${STATE_DIR}/runs`;

/** Status of a run as `history` shows it. */
export type RunStatus = 'running' | 'complete' | 'failed' | 'interrupted' | 'rolled-back';

/** A run's record on a host (`runs/<id>/run`, key=value lines). */
export interface RunMeta {
  id: string;
  /** ISO time the run opened its record on this host. */
  time: string;
  user: string;
  control: string;
  playbook: string;
  status: RunStatus;
  changed: number;
}

/** What is at a path: absent, a regular file (with its sha256), a directory, a symlink, else. */
export type PathState = { type: 'absent' } | { type: 'file'; sha256: string } | { type: 'dir' } | { type: 'link' } | { type: 'other' };

/** The directory of one run's record, entries and backups. */
export function runDir(id: string): string {
  return `${RUNS_DIR}/${id}`;
}

/** An entry's file name: its sequence number, four digits. */
export function seqName(seq: number): string {
  return String(seq).padStart(4, '0');
}

/**
 * Written with each entry made inside a rolling unit's window (a Tomcat instance out of the
 * balancer): what rollback needs to roll that unit back the same way.
 */
export interface RollRecord {
  /** The unit's name (the service's display name), e.g. `tomcat tomcat1`. */
  unit: string;
  service: ServiceSpec;
  wait?: WaitSpec;
  /** Failure pattern added to the wait while another member of the roll runs (state transfer). */
  withPeersFail?: string;
  /** Shell: exits 0 when this unit, as it runs, is a peer others get state from. */
  memberCheck?: string;
  /** Balancer members to drain and enable, by Apache host (inventory name). */
  balancers: { host: string; member: BalancerMemberRef }[];
  drainTimeoutMs?: number;
}
