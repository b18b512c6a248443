/**
 * Reading a host's journal in ONE round trip: a script prints every run record, every entry, the
 * state of every backup and the current state (sha256) of every journaled path, base64-framed;
 * `parseJournal` turns that into data the planner and `history` work from.
 */
import type { JournalEntry } from '../host/changes/index.ts';
import { LOCK_DIR, RUNS_DIR, type PathState, type RunMeta, type RunStatus } from '../host/layout.ts';

export type { PathState } from '../host/layout.ts';

/** An entry as written on the host, with its backups and the current state of its paths. */
export interface EntryRecord {
  entry: JournalEntry;
  /** Backup i: the pre-change state; missing when the backup was never written (change not made). */
  backups: Map<number, PathState>;
  /** Current state of path i on the host (missing for journals written without a .paths file). */
  current: Map<number, PathState>;
  /** For service entries: whether it ran before the change. */
  serviceBefore?: 'running' | 'stopped';
}

/** One run on one host: its record (status as written) and entries in order. */
export interface RunRecord {
  meta: RunMeta;
  /** Other key=value lines of the run file (e.g. rolled_back). */
  extra: Record<string, string>;
  entries: EntryRecord[];
}

export interface HostJournal {
  /** Runs in time order, oldest first. */
  runs: RunRecord[];
  /** The lock as found: its holder's run id, and whether the holder is gone. */
  lock?: { run: string; stale: boolean };
  /** Set when `--break-stale-lock` broke a lock to open this journal: whose, and how old. */
  brokenLock?: string;
}

const B64 = `b64() { base64 | tr -d '\\n'; }`;
const STATE =
  'st() { if [ -L "$1" ]; then echo l; elif [ -d "$1" ]; then echo d; ' +
  'elif [ -f "$1" ]; then echo "f $(sha256sum < "$1" | cut -c1-64)"; ' +
  'elif [ -e "$1" ]; then echo o; else echo -; fi; }';

/** The read script. `entries: false` prints run records and the lock only (history). */
export function readJournalScript(opts: { entries: boolean } = { entries: true }): string {
  const lines = [
    B64,
    STATE,
    `if [ -f ${LOCK_DIR}/holder ]; then h=$(sed -n 's/^pid=//p' ${LOCK_DIR}/holder); ` +
      'case "$(cat /proc/$h/comm 2>/dev/null)" in sshd*) s=0;; *) s=1;; esac; ' +
      `echo "K $(sed -n 's/^run=//p' ${LOCK_DIR}/holder | b64) $s"; fi`,
    `for d in ${RUNS_DIR}/*/; do [ -f "$d/run" ] || continue; id=$(basename "$d")`,
    `  printf 'R %s ' "$id"; b64 < "$d/run"; echo`,
    // Entries journaled: the change count of a run cut before it could close its record.
    `  echo "C $id $(ls "$d"entries 2>/dev/null | grep -vc '[.]tmp$')"`,
  ];
  if (opts.entries) {
    lines.push(
      '  for e in "$d"entries/*; do [ -f "$e" ] || continue; n=$(basename "$e"); ' +
        `case "$n" in *.tmp) continue;; esac; printf 'E %s %s ' "$id" "$n"; b64 < "$e"; echo; done`,
      '  for b in "$d"backups/*; do [ -e "$b" ] || [ -L "$b" ] || continue; n=$(basename "$b"); ' +
        'case "$n" in *.paths) ;; *) echo "B $id $n $(st "$b")";; esac; done',
      '  for f in "$d"backups/*.paths; do [ -f "$f" ] || continue; n=$(basename "$f" .paths); i=0; ' +
        'while read -r x; do echo "P $id $n $i $(st "$(printf %s "$x" | base64 -d)")"; i=$((i+1)); done < "$f"; done',
    );
  }
  lines.push('done', 'true');
  return lines.join('\n');
}

const dec = (s: string) => Buffer.from(s, 'base64').toString('utf8');

function parseState(parts: string[]): PathState {
  switch (parts[0]) {
    case '-':
      return { type: 'absent' };
    case 'f':
      return { type: 'file', sha256: parts[1] ?? '' };
    case 'd':
      return { type: 'dir' };
    case 'l':
      return { type: 'link' };
    default:
      return { type: 'other' };
  }
}

const STATUSES: RunStatus[] = ['running', 'complete', 'failed', 'interrupted', 'rolled-back'];

function parseRun(id: string, text: string): RunRecord {
  const kv: Record<string, string> = {};
  for (const l of text.split('\n')) {
    const i = l.indexOf('=');
    if (i > 0) kv[l.slice(0, i)] = l.slice(i + 1);
  }
  const { id: _id, time = '', user = '?', control = '?', playbook = '?', status = 'running', changed = '0', ...extra } = kv;
  const st = STATUSES.includes(status as RunStatus) ? (status as RunStatus) : 'running';
  return { meta: { id, time, user, control, playbook, status: st, changed: Number(changed) || 0 }, extra, entries: [] };
}

/** Parse the read script's output. Unknown or garbled lines are ignored (an entry cut mid-write is not there). */
export function parseJournal(out: string): HostJournal {
  const runs = new Map<string, RunRecord>();
  const entries = new Map<string, EntryRecord>();
  const key = (id: string, seq: string | number) => `${id}/${Number(seq)}`;
  const entryFor = (id: string, seq: string) => entries.get(key(id, seq));
  let lock: HostJournal['lock'];
  const later: string[][] = [];
  const counts = new Map<string, number>();
  for (const line of out.split('\n')) {
    const p = line.trim().split(' ');
    if (p[0] === 'K' && p.length >= 3) lock = { run: dec(p[1]!).trim(), stale: p[2] === '1' };
    else if (p[0] === 'R' && p.length >= 2) runs.set(p[1]!, parseRun(p[1]!, dec(p[2] ?? '')));
    else if (p[0] === 'C' && p.length >= 3) counts.set(p[1]!, Number(p[2]) || 0);
    else if (p[0] === 'E' && p.length >= 4 && /^\d+$/.test(p[2]!)) {
      try {
        const entry = JSON.parse(dec(p[3]!)) as EntryRecord['entry'];
        const rec: EntryRecord = { entry, backups: new Map(), current: new Map() };
        entries.set(key(p[1]!, p[2]!), rec);
        runs.get(p[1]!)?.entries.push(rec);
      } catch {
        // A half-written entry cannot exist (written via rename); ignore anything unparsable.
      }
    } else if (p[0] === 'B' || p[0] === 'P') later.push(p);
  }
  for (const p of later) {
    if (p[0] === 'B') {
      const m = /^(\d+)\.(?:(\d+)(\.absent)?|(running|stopped))$/.exec(p[2] ?? '');
      const rec = m && entryFor(p[1]!, m[1]!);
      if (!m || !rec) continue;
      if (m[4]) rec.serviceBefore = m[4] as 'running' | 'stopped';
      else rec.backups.set(Number(m[2]), m[3] ? { type: 'absent' } : parseState(p.slice(3)));
    } else {
      const rec = entryFor(p[1]!, p[2]!);
      if (rec) rec.current.set(Number(p[3]), parseState(p.slice(4)));
    }
  }
  const list = [...runs.values()].sort((a, b) => (a.meta.time + a.meta.id).localeCompare(b.meta.time + b.meta.id));
  for (const r of list) {
    r.entries.sort((a, b) => a.entry.seq - b.entry.seq);
    // A record never closed says changed=0; its journal knows better.
    if (r.meta.status === 'running') r.meta.changed = Math.max(r.meta.changed, counts.get(r.meta.id) ?? r.entries.length);
  }
  return { runs: list, ...(lock ? { lock } : {}) };
}

/**
 * A run's status as `history` shows it: a record still `running` whose holder is gone (no lock, another
 * run's lock, or a stale lock) was interrupted.
 */
export function effectiveStatus(run: RunRecord, lock: HostJournal['lock']): RunStatus {
  if (run.meta.status !== 'running') return run.meta.status;
  return lock && lock.run === run.meta.id && !lock.stale ? 'running' : 'interrupted';
}
