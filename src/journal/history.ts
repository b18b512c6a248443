/**
 * `history`: the runs journaled on a host with their effective status (retention, the pruning of
 * old runs, is the host's: `host/retention.ts`).
 */
import type { Transport } from '../transport/types.ts';
import type { RunMeta } from '../host/layout.ts';
import { effectiveStatus, type HostJournal } from './read.ts';
import { openJournal } from './rollback.ts';

/** One line of history: the run record with its effective status (`interrupted` derived). */
export type HistoryRow = RunMeta & {
  /** When and by whom it was rolled back, if it was. */
  rolledBack?: string;
};

/** Rows oldest first, as the journal holds them. */
export function historyRows(j: HostJournal): HistoryRow[] {
  return j.runs.map((r) => ({
    ...r.meta,
    status: effectiveStatus(r, j.lock),
    ...(r.extra.rolled_back ? { rolledBack: r.extra.rolled_back } : {}),
  }));
}

/** Read a host's history in one round trip (no lock taken). */
export async function readHistory(t: Transport, host: string): Promise<HistoryRow[]> {
  return historyRows(await openJournal(t, host, { lockId: '', check: true, entries: false }));
}
