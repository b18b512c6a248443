/**
 * The one place that decides whether output is coloured, and what each colour means.
 * Order (https://no-color.org, https://force-color.org): `--no-color`, then `NO_COLOR`, then
 * `FORCE_COLOR`, then whether the stream is a terminal (and TERM is not `dumb`).
 * The escape codes come from colorette, the library listr2 itself colours with.
 */
import { createColors } from 'colorette';
import type { Status } from '../core/result.ts';

type Paint = (s: string) => string;

/** Colours by name, and by meaning: the state of a task result (ok green, changed yellow, …). */
export interface Colors {
  enabled: boolean;
  red: Paint;
  green: Paint;
  yellow: Paint;
  cyan: Paint;
  dim: Paint;
  bold: Paint;
  /** The colour of a result's state; `unreachable` as failed. */
  state: (s: Status | 'unreachable') => Paint;
}

let flagOff = false;

/** `--no-color` was given: no colour on any stream for the rest of the process. */
export function disableColor(): void {
  flagOff = true;
}

/** Whether `stream` gets escape codes, by the rule above. */
export function colorEnabled(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  if (flagOff) return false;
  if (env.NO_COLOR) return false;
  const force = env.FORCE_COLOR;
  if (force !== undefined) return force !== '0' && force !== 'false';
  return stream.isTTY === true && env.TERM !== 'dumb';
}

function make(on: boolean): Colors {
  const c = createColors({ useColor: on });
  const p =
    (f: (s: string) => string): Paint =>
    (s) =>
      f(s);
  const byState: Record<Status | 'unreachable', Paint> = {
    ok: p(c.green),
    changed: p(c.yellow),
    'would-change': p(c.cyan),
    failed: p(c.red),
    unreachable: p(c.red),
    skipped: p(c.dim),
  };
  return {
    enabled: on,
    red: p(c.red),
    green: p(c.green),
    yellow: p(c.yellow),
    cyan: p(c.cyan),
    dim: p(c.dim),
    bold: p(c.bold),
    state: (s) => byState[s],
  };
}

/** No colour at all (JSON, files, tests). */
export const plain: Colors = make(false);
const on: Colors = make(true);

/** The colours for text written to `stream` (default stdout). */
export function colorsFor(stream: { isTTY?: boolean } = process.stdout, env: NodeJS.ProcessEnv = process.env): Colors {
  return colorEnabled(stream, env) ? on : plain;
}
