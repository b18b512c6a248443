/**
 * Retention: how many runs a host keeps, and the shell that prunes old runs (never the newest,
 * never the one holding the lock). The runner prunes under its lock, before releasing it.
 */
import { sh } from '../core/quote.ts';
import { LOCK_DIR, RUNS_DIR } from './layout.ts';

/** Runs kept per host when the inventory sets no `provision_history_keep`. */
export const DEFAULT_HISTORY_KEEP = 20;

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
    `for d in ${RUNS_DIR}/*/; do [ -f "$d/run" ] || continue; id=$(basename "$d"); ` +
      `printf '%s %s\\n' "$(sed -n 's/^time=//p' "$d/run")" "$id"; done | sort | head -n -${k} | while read -r t id; do`,
    sh`  [ -n "$id" ] && [ "$id" != "$hold" ] && rm -rf -- ${RUNS_DIR}/"$id"`.text,
    'done; true',
  ].join('\n');
}
