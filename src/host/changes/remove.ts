/** `remove`: a file or a whole tree (`rm -rf`). */
import { sh } from '../../core/quote.ts';
import { restoreStep, type ChangeDef, type EntryOf } from '../change-kind.ts';
import { ABSENT, setFile } from '../known-files.ts';

/** Journal entry of a remove; `regenerated`: something recreates the path, so its return is not drift. */
export type RemoveEntry = EntryOf<'remove', { regenerated?: true; path: string }>;

/** The `remove` change kind. */
export const remove: ChangeDef<'remove', RemoveEntry> = {
  kind: 'remove',
  script: (c) => ({ script: sh`rm -rf -- ${c.path}`.text }),
  // `regenerated` comes before `path`: the order of the fields as journals have always been written.
  journal: (c) => ({ fields: { ...(c.regenerated ? { regenerated: true as const } : {}), path: c.path }, paths: [c.path] }),
  learn(cache, c) {
    cache.forget(c.path);
    setFile(cache, c.path, ABSENT);
  },
  undo: restoreStep,
  left: (e) => (e.regenerated ? undefined : { type: 'absent' }),
};
