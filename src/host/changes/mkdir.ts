/** `mkdir`: a directory (and its parents), with its mode and owner. */
import { sh } from '../../core/quote.ts';
import { modeStr, restoreStep, type ChangeDef, type EntryOf } from '../change-kind.ts';
import { setFile } from '../known-files.ts';

/** Journal entry of a mkdir: the directory. */
export type MkdirEntry = EntryOf<'mkdir', { path: string }>;

/** The `mkdir` change kind. */
export const mkdir: ChangeDef<'mkdir', MkdirEntry> = {
  kind: 'mkdir',
  script(c) {
    const l = [sh`mkdir -p -- ${c.path}`.text];
    if (c.mode !== undefined) l.push(sh`chmod ${modeStr(c.mode)} -- ${c.path}`.text);
    if (c.owner || c.group) l.push(sh`chown ${`${c.owner ?? ''}${c.group ? `:${c.group}` : ''}`} -- ${c.path}`.text);
    return { script: l.join(' && ') };
  },
  journal: (c) => ({ fields: { path: c.path }, paths: [c.path] }),
  learn(cache, c) {
    setFile(cache, c.path, {
      exists: true,
      type: 'directory',
      mode: c.mode ?? 0o755,
      owner: c.owner ?? 'root',
      group: c.group ?? 'root',
      size: null,
      sha256: null,
    });
  },
  undo: restoreStep,
  left: () => ({ type: 'dir' }),
};
