/**
 * Where the journal lives on a host, and what a run record and an entry hold. Everything here is
 * data written on the host BEFORE the change it describes, so an interrupted run can be undone.
 *
 *   /var/lib/provision/lock/holder            the lock (mkdir is atomic), holder as key=value lines
 *   /var/lib/provision/runs/<id>/run          key=value: id, time, user, control, playbook, status
 *   /var/lib/provision/runs/<id>/entries/NNNN JSON of one change, before it is made
 *   /var/lib/provision/runs/<id>/backups/NNNN byte-exact copy (cp -a: content, mode, owner)
 *   /var/lib/provision/runs/<id>/backups/NNNN.absent   the path did not exist before
 */
import type { BalancerMemberRef, Change, ServiceSpec, WaitSpec } from '../core/change.ts';

export const STATE_DIR = '/var/lib/provision';
export const LOCK_DIR = `${STATE_DIR}/lock`;
export const RUNS_DIR = `${STATE_DIR}/runs`;

/** Status of a run as `history` shows it. */
export type RunStatus = 'running' | 'complete' | 'failed' | 'interrupted' | 'rolled-back';

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

/** What rollback needs to undo one change; written before the change is made. */
export interface JournalEntry {
  seq: number;
  task: string;
  kind: Change['kind'];
  summary: string;
  /** The path written/removed/created (write, mkdir, attrs, remove, copytree). */
  path?: string;
  /** A removed path that something else recreates: rollback does not call its reappearance drift. */
  regenerated?: boolean;
  /** sha256 of the file right after the change, to detect drift before rollback (write). */
  afterSha256?: string;
  /** Mode/owner before an `attrs` change. */
  before?: { mode?: string; owner?: string; group?: string };
  /** For exec: the command that undoes it, if any. */
  undo?: string;
  /** For firewall: zone and the zone files backed up. */
  zone?: string;
  /** For service: how to run it, and whether it ran before the change (set on host). */
  service?: { name: string; start?: string; stop?: string; status?: string; reload?: string; user?: string };
  /** For service: the config check to run before restarting it on rollback. */
  check?: string;
  /** For package: manager and name. */
  pkg?: { manager: string; name: string };
  /** For balancer: the member and the state set (a drain is undone by enabling it again). */
  member?: BalancerMemberRef;
  state?: 'disabled' | 'enabled';
  /** Made inside a rolling restart's window: rollback restores this unit the same rolling way. */
  roll?: RollRecord;
}

/** What rollback needs to roll one unit (a Tomcat instance) back: its service, wait and balancers. */
export interface RollRecord {
  /** The unit's name (the service's display name), e.g. `tomcat tomcat1`. */
  unit: string;
  service: ServiceSpec;
  wait?: WaitSpec;
  /** Failure pattern added to the wait while another member of the roll runs (state transfer). */
  withPeersFail?: string;
  /** Balancer members to drain and enable, by Apache host (inventory name). */
  balancers: { host: string; member: BalancerMemberRef }[];
  drainTimeoutMs?: number;
}

export function runDir(id: string): string {
  return `${RUNS_DIR}/${id}`;
}

export function seqName(seq: number): string {
  return String(seq).padStart(4, '0');
}
