/** Text for `rollback` and `history`: one block per host, colours optional. */
import { formatDiff } from './diff.ts';
import { formatError, plain, type Colors } from './format.ts';
import type { HistoryRow } from '../journal/history.ts';
import type { HostRollback } from '../journal/rollback.ts';
import type { RollbackSummary } from '../journal/rollback-hosts.ts';

const MARK: Record<string, (c: Colors) => string> = {
  done: (c) => c.green('done   '),
  failed: (c) => c.red('FAILED '),
  planned: (c) => c.yellow('would  '),
  note: (c) => c.dim('note   '),
};

/** One host's rollback: a headline, then each step, newest change first. */
export function formatHostRollback(r: HostRollback, c: Colors = plain): string {
  const head =
    r.outcome === 'rolled-back'
      ? c.green(`${r.host}: ${r.message}`)
      : r.outcome === 'nothing' || r.outcome === 'planned'
        ? `${r.host}: ${r.message}`
        : c.red(`${r.host}: ${r.message}`);
  const lines = [head];
  if (r.brokenLock) lines.push(`  ${MARK.note!(c)}broke a stale lock: ${r.brokenLock}`);
  if (r.plan.skipped.length) lines.push(c.dim(`  already rolled back, left alone: ${r.plan.skipped.join(', ')}`));
  for (const it of r.items) {
    lines.push(`  ${MARK[it.status]!(c)}${it.text}`);
    if (it.output && it.status === 'failed')
      lines.push(
        ...it.output
          .split('\n')
          .slice(-5)
          .map((l) => c.dim(`         ${l}`)),
      );
  }
  for (const d of r.diffs) lines.push(formatDiff({ ...d, path: `${d.path} (now → what rollback would restore)` }, c));
  return lines.join('\n');
}

export function formatRollback(s: RollbackSummary, c: Colors = plain): string {
  const out = s.hosts.map((h) => formatHostRollback(h, c));
  for (const e of s.errors) out.push(`${e.host}: ${formatError(e.error, false, c)}`);
  if (s.errors.length) out.push('nothing was rolled back on any host');
  return out.join('\n');
}

/** A table per host: id, time, user@control, playbook, changed, status. */
export function formatHistory(rows: Map<string, HistoryRow[] | Error>, c: Colors = plain): string {
  const out: string[] = [];
  for (const [host, list] of rows) {
    out.push(c.cyan(`${host}:`));
    if (list instanceof Error) {
      out.push(`  ${formatError(list, false, c)}`);
      continue;
    }
    if (!list.length) out.push(c.dim('  no runs journaled'));
    for (const r of [...list].reverse()) {
      const st =
        r.status === 'complete'
          ? c.green(r.status)
          : r.status === 'rolled-back'
            ? c.yellow(r.status)
            : r.status === 'running'
              ? c.cyan(r.status)
              : c.red(r.status);
      out.push(
        `  ${r.id}  ${r.time}  ${r.user}@${r.control}  ${r.playbook}  changed=${r.changed}  ` +
          `${st}${r.rolledBack ? c.dim(` (${r.rolledBack})`) : ''}`,
      );
    }
  }
  return out.join('\n');
}
