/**
 * `exec`: a command (or shell) the user wrote; undone by the `undo` command they gave, or, for a
 * command guarded by `creates:` (which proved the path absent before), by removing that path.
 */
import { sh } from '../../core/quote.ts';
import { type ChangeDef, type EntryOf } from '../change-kind.ts';

/** Journal entry of an exec: the command that undoes it, if any. */
export type ExecEntry = EntryOf<'exec', { undo?: string }>;

/** The `exec` change kind. */
export const exec: ChangeDef<'exec', ExecEntry> = {
  kind: 'exec',
  script: (c) => ({
    script: `( ${c.command}\n)` + (c.okCodes ? `; rc=$?; case " ${c.okCodes.join(' ')} 0 " in *" $rc "*) exit 0;; esac; exit $rc` : ''),
  }),
  journal: (c) => {
    const undo = c.undo ?? (c.creates ? sh`rm -rf -- ${c.creates}`.text : undefined);
    return { fields: undo ? { undo } : {}, paths: [] };
  },
  learn(cache, c, applied) {
    // Anything may have changed: read again what is needed next (in simulation, nothing did).
    if (applied) cache.invalidate(() => true);
    // In a simulation, what the command creates is unknown until it has run: later tasks there wait for it.
    else if (c.creates) cache.pending(c.creates, c.summary);
  },
  undo: (e) =>
    e.undo
      ? { action: 'undo', paths: [], command: e.undo, text: `undo "${e.summary}": ${e.undo}` }
      : { action: 'cannot', paths: [], text: `cannot undo "${e.summary}": the task gave no undo command` },
};
