/** Text formatting shared by the renderers: colours, errors with hints, the recap (diffs: diff.ts). */
import { ProvisionError } from '../core/errors.ts';
import type { HostRecap } from '../runner/events.ts';

export interface Colors {
  red: (s: string) => string;
  green: (s: string) => string;
  yellow: (s: string) => string;
  cyan: (s: string) => string;
  dim: (s: string) => string;
}

const wrap = (code: number) => (s: string) => `\x1b[${code}m${s}\x1b[0m`;
export const ansi: Colors = { red: wrap(31), green: wrap(32), yellow: wrap(33), cyan: wrap(36), dim: wrap(2) };
export const plain: Colors = { red: (s) => s, green: (s) => s, yellow: (s) => s, cyan: (s) => s, dim: (s) => s };

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

/** Ansible's PLAY RECAP lines. */
export function formatRecap(recap: Record<string, HostRecap>, c: Colors = plain): string {
  const width = Math.max(0, ...Object.keys(recap).map((h) => h.length));
  return Object.entries(recap)
    .map(([host, r]) => {
      const name =
        r.failed || r.unreachable ? c.red(host.padEnd(width)) : r.changed ? c.yellow(host.padEnd(width)) : c.green(host.padEnd(width));
      return `${name} : ok=${r.ok} changed=${r.changed} unreachable=${r.unreachable ? 1 : 0} failed=${r.failed} skipped=${r.skipped}`;
    })
    .join('\n');
}
