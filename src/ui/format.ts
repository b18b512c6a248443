/** Text formatting shared by the renderers: errors with hints, unified diffs, the recap. */
import { ProvisionError } from '../core/errors.ts';
import type { HostRecap } from '../runner/events.ts';
import { plain, type Colors } from './color.ts';

export { plain, type Colors } from './color.ts';

/** `error: …` and `hint: …`; a stack trace only with --verbose. */
export function formatError(err: unknown, verbose = false, c: Colors = plain): string {
  const e = err instanceof Error ? err : new Error(String(err));
  const lines = [c.red(`error: ${e.message}`)];
  if (e instanceof ProvisionError) {
    if (e.host && !e.message.includes(e.host)) lines.push(`  host: ${e.host}`);
    if (e.task && !e.message.includes(e.task)) lines.push(`  task: ${e.task}`);
    if (e.hint) lines.push(`  hint: ${e.hint}`);
  }
  if (verbose || !(e instanceof ProvisionError)) lines.push(c.dim(e.stack ?? ''));
  return lines.join('\n');
}

/** The colour of a recap host's name: its outcome. */
function hostColor(r: HostRecap, c: Colors): (s: string) => string {
  return r.failed || r.unreachable ? c.red : r.changed ? c.yellow : c.green;
}

/**
 * Ansible's PLAY RECAP lines (tasks counted per host as Ansible does: a task with many changes is
 * `changed` once), each followed by the changes journaled on the host; then the run id.
 */
export function formatRecap(recap: Record<string, HostRecap>, c: Colors = plain, run?: { runId: string; check: boolean }): string {
  const width = Math.max(0, ...Object.keys(recap).map((h) => h.length));
  const n = (name: string, v: number, paint: (s: string) => string) => (v ? paint(`${name}=${v}`) : `${name}=${v}`);
  const lines = Object.entries(recap).map(([host, r]) => {
    const counts = [
      n('ok', r.ok, c.green),
      n('changed', r.changed, c.yellow),
      n('unreachable', r.unreachable ? 1 : 0, c.red),
      n('failed', r.failed, c.red),
      n('skipped', r.skipped, c.dim),
      // Ansible always prints rescued=; here only when a block's rescue caught a failure.
      ...(r.rescued ? [n('rescued', r.rescued, c.yellow)] : []),
      ...(r.ignored ? [n('ignored', r.ignored, c.yellow)] : []),
    ].join(' ');
    const journaled = run && !run.check ? `  ${c.dim(`(${r.changes} change${r.changes === 1 ? '' : 's'})`)}` : '';
    return `${hostColor(r, c)(host.padEnd(width))} : ${counts}${journaled}`;
  });
  if (run) lines.push('', runLine(recap, run));
  return lines.join('\n');
}

/** The line under the recap: the run id, what was journaled, and how to undo it. */
function runLine(recap: Record<string, HostRecap>, run: { runId: string; check: boolean }): string {
  if (run.check) return `check mode: nothing was changed (run ${run.runId} is not journaled)`;
  const total = Object.values(recap).reduce((s, r) => s + r.changes, 0);
  if (!total) return `run ${run.runId}: no change made`;
  const hosts = Object.values(recap).filter((r) => r.changes).length;
  return (
    `run ${run.runId}: ${total} change${total === 1 ? '' : 's'} journaled on ${hosts} host${hosts === 1 ? '' : 's'} ` +
    `(changed= counts tasks; provision history lists the run; provision rollback --run ${run.runId} undoes it)`
  );
}
