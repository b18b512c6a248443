/**
 * `staged-check`: a config test of the files a task is about to write, run before any of them is
 * written (staged-check-script.ts: staged copies bound over the real directories in a private
 * mount namespace). It changes nothing, so nothing is backed up and rollback has nothing to undo;
 * failing it stops the task before its writes, with every old file in place.
 */
import { type ChangeDef, type EntryOf } from '../change-kind.ts';
import { STAGED_CHECK_FAILED, STAGED_CHECK_UNAVAILABLE, stagedCheckScript, type StagedEntry } from '../staged-check-script.ts';

declare module '../../core/change.ts' {
  interface MoreChanges {
    'staged-check': {
      /** Test the config as these files and links will leave it, before any of them is written. */
      kind: 'staged-check';
      /** The task's new files (content) and links (target), at their real paths. */
      entries: StagedEntry[];
      /** The config test (`httpd -t`); it reads the real paths, which show the staged tree. */
      check: string;
    };
  }
}

/** Journal entry of a staged check: the command and the paths it tested (never their content). */
export type StagedCheckEntry = EntryOf<'staged-check', { check: string; tested: string[] }>;

/** The `staged-check` change kind. */
export const stagedCheck: ChangeDef<'staged-check', StagedCheckEntry> = {
  kind: 'staged-check',
  script: (c) => ({ script: stagedCheckScript(c.entries, c.check) }),
  journal: (c) => ({ fields: { check: c.check, tested: c.entries.map((e) => e.path) }, paths: [] }),
  // It changes nothing on the host: every fact stays true.
  learn() {},
  undo: (e) => ({ action: 'skip', paths: [], text: `${e.summary}: changed nothing, nothing to undo` }),
  hint: (code) =>
    code === STAGED_CHECK_FAILED
      ? 'the new config failed the test (its words above), so nothing was written: every file is as it was. Fix the cause, then run again'
      : code === STAGED_CHECK_UNAVAILABLE
        ? 'the new config could not be staged (reason above), so nothing was written; the staged test needs root (become) and ' +
          "unshare (util-linux). Set staged_check: false on the task to rely on the reload's config test alone"
        : undefined,
};
