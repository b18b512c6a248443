/** Text formatting shared by the renderers: errors with hints, unified diffs, the recap. */
import { createTwoFilesPatch } from 'diff';
import { ProvisionError } from '../core/errors.ts';
import type { FileDiff } from '../core/result.ts';
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

/** A unified diff of one file change (secrets were masked before it got here). */
export function formatDiff(d: FileDiff, c: Colors = plain): string {
  if (d.binary) return c.dim(`--- ${d.path} (binary: content differs)`);
  const patch = createTwoFilesPatch(
    d.before === null ? '/dev/null' : `${d.path} (before)`,
    d.after === null ? '/dev/null' : `${d.path} (after)`,
    d.before ?? '',
    d.after ?? '',
    undefined,
    undefined,
    { context: 3 },
  );
  return patch
    .split('\n')
    .slice(1)
    .map((l) =>
      l.startsWith('+') && !l.startsWith('+++')
        ? c.green(l)
        : l.startsWith('-') && !l.startsWith('---')
          ? c.red(l)
          : l.startsWith('@@')
            ? c.cyan(l)
            : l,
    )
    .join('\n')
    .trimEnd();
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
