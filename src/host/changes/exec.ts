/** `exec`: a command (or shell) the user wrote; undone only by the `undo` command they gave. */
import { type ChangeDef, type EntryOf } from '../change-kind.ts';

/** Journal entry of an exec: the command that undoes it, if any. */
export type ExecEntry = EntryOf<'exec', { undo?: string }>;

/** The `exec` change kind. */
export const exec: ChangeDef<'exec', ExecEntry> = {
  kind: 'exec',
  script: (c) => ({
    script: `( ${c.command}\n)` + (c.okCodes ? `; rc=$?; case " ${c.okCodes.join(' ')} 0 " in *" $rc "*) exit 0;; esac; exit $rc` : ''),
  }),
  journal: (c) => ({ fields: c.undo ? { undo: c.undo } : {}, paths: [] }),
  learn(cache, _c, applied) {
    // Anything may have changed: read again what is needed next (in simulation, nothing did).
    if (applied) cache.invalidate(() => true);
  },
  undo: (e) =>
    e.undo
      ? { action: 'undo', paths: [], command: e.undo, text: `undo "${e.summary}": ${e.undo}` }
      : { action: 'cannot', paths: [], text: `cannot undo "${e.summary}": the task gave no undo command` },
};
