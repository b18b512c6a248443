/** `write`: a file's whole content, uploaded beside the target, validated, then renamed over it. */
import { createHash } from 'node:crypto';
import { writeScript } from '../../transport/remote-file.ts';
import { restoreStep, type ChangeDef, type EntryOf } from '../change-kind.ts';
import { existing, setFile } from '../known-files.ts';

/** Journal entry of a write: the path and the sha256 it left, to tell drift before rollback. */
export type WriteEntry = EntryOf<'write', { path: string; afterSha256?: string }>;

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** The `write` change kind. */
export const write: ChangeDef<'write', WriteEntry> = {
  kind: 'write',
  // The transport's atomic write (temp file beside the target, validate, rename), as one step.
  script: (c) => ({
    script: writeScript(c.path, { mode: c.mode, owner: c.owner, group: c.group, validate: c.validate }),
    stdin: c.content,
  }),
  journal: (c) => ({ fields: { path: c.path, afterSha256: sha256(c.content) }, paths: [c.path] }),
  learn(cache, c) {
    const old = existing(cache, c.path);
    const kept = old?.exists ? old : undefined;
    setFile(
      cache,
      c.path,
      {
        exists: true,
        type: 'file',
        mode: c.mode ?? (kept ? kept.mode : 0o644),
        owner: c.owner ?? (kept ? kept.owner : null),
        group: c.group ?? (kept ? kept.group : null),
        size: c.content.length,
        sha256: sha256(c.content),
      },
      c.content,
    );
  },
  undo: restoreStep,
  left: (e) => (e.afterSha256 ? { type: 'file', sha256: e.afterSha256 } : undefined),
  hint: (code) => (code === 3 ? 'the validator rejected the new content; the file was left as it was' : undefined),
};
