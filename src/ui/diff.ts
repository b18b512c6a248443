/** Unified diffs of file changes, for the renderers (apart from format.ts, which the CLI loads for every command). */
import { createTwoFilesPatch } from 'diff';
import type { FileDiff } from '../core/result.ts';
import { plain, type Colors } from './color.ts';

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
