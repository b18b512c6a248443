/** `attrs`: a path's mode and owner, content untouched; rollback puts back only those. */
import { sh } from '../../core/quote.ts';
import { modeStr, restoreStep, type ChangeDef, type EntryOf } from '../change-kind.ts';
import { existing } from '../known-files.ts';

/** Journal entry of an attrs change: the path (its backup holds the old mode and owner). */
export type AttrsEntry = EntryOf<'attrs', { path: string }>;

/** The `attrs` change kind. */
export const attrs: ChangeDef<'attrs', AttrsEntry> = {
  kind: 'attrs',
  script(c) {
    const l: string[] = [];
    if (c.mode !== undefined) l.push(sh`chmod ${modeStr(c.mode)} -- ${c.path}`.text);
    if (c.owner || c.group) l.push(sh`chown ${`${c.owner ?? ''}${c.group ? `:${c.group}` : ''}`} -- ${c.path}`.text);
    return { script: l.join(' && ') || 'true' };
  },
  journal: (c) => ({ fields: { path: c.path }, paths: [c.path] }),
  learn(cache, c) {
    const old = existing(cache, c.path);
    if (!old) return;
    const next = { ...old, mode: c.mode ?? old.mode, owner: c.owner ?? old.owner, group: c.group ?? old.group };
    cache.invalidate((r) => r.type === 'file' && r.path === c.path);
    cache.set({ type: 'file', path: c.path }, next);
    if (old.content) cache.set({ type: 'file', path: c.path, content: true }, next);
  },
  undo: (e, backedUp) =>
    backedUp.length
      ? { action: 'attrs', paths: backedUp, text: `put back mode and owner of ${backedUp.map((p) => p.path).join(', ')}` }
      : restoreStep(e, backedUp),
};
