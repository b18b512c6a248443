/**
 * `history` and retention: the runs journaled on a host with their effective status, and the
 * shell that prunes old runs (never the newest, never the one holding the lock).
 */
import { sh } from '../core/quote.ts';
import type { Transport } from '../transport/types.ts';
import { LOCK_DIR, RUNS_DIR, type RunMeta } from './layout.ts';
import { effectiveStatus, type HostJournal } from './read.ts';
import { openJournal } from './rollback.ts';

/** Runs kept per host when the inventory sets no `provision_history_keep`. */
export const DEFAULT_HISTORY_KEEP = 20;

/** One line of history: the run record with its effective status (`interrupted` derived). */
export type HistoryRow = RunMeta & {
  /** When and by whom it was rolled back, if it was. */
  rolledBack?: string;
};

/** Rows oldest first, as the journal holds them. */
export function historyRows(j: HostJournal): HistoryRow[] {
  return j.runs.map((r) => ({ ...r.meta, status: effectiveStatus(r, j.lock), ...(r.extra.rolled_back ? { rolledBack: r.extra.rolled_back } : {}) }));
}

/** Read a host's history in one round trip (no lock taken). */
export async function readHistory(t: Transport, host: string): Promise<HistoryRow[]> {
  return historyRows(await openJournal(t, host, { lockId: '', check: true, entries: false }));
}

/** The `provision_history_keep` of a host's variables (at least 1). */
export function historyKeep(vars: Record<string, unknown>): number {
  const n = Number(vars.provision_history_keep ?? DEFAULT_HISTORY_KEEP);
  return Number.isInteger(n) && n >= 1 ? n : DEFAULT_HISTORY_KEEP;
}

/**
 * Shell that removes the oldest runs beyond `keep` (ordered by their record's time, then id).
 * The newest run and the lock holder's run are never removed, whatever `keep` says.
 */
export function pruneScript(keep: number): string {
  const k = Math.max(1, Math.floor(keep));
  return [
    `hold=$(sed -n 's/^run=//p' ${LOCK_DIR}/holder 2>/dev/null)`,
    // Sort key: the record's time, then the id; the newest `keep` lines are dropped from the list.
    `for d in ${RUNS_DIR}/*/; do [ -f "$d/run" ] || continue; id=$(basename "$d"); printf '%s %s\\n' "$(sed -n 's/^time=//p' "$d/run")" "$id"; done | sort | head -n -${k} | while read -r t id; do`,
    sh`  [ -n "$id" ] && [ "$id" != "$hold" ] && rm -rf -- ${RUNS_DIR}/"$id"`.text,
    'done; true',
  ].join('\n');
}
