/**
 * Turns one Change (data) into the remote script that makes it, preceded by its journal entry
 * and backups, and says what to tell the user when it fails. Operations never see this; only the
 * runner's applier does. What each kind runs is its own (`changes/<kind>.ts`).
 */
import type { Change } from '../core/change.ts';
import { journalPrelude, type JournalSlot } from './backup.ts';
import type { ChangeScript } from './change-kind.ts';
import type { RollRecord } from './layout.ts';
import { changeDef, type JournalEntry } from './changes/index.ts';

export type { ChangeScript } from './change-kind.ts';

/** The full script: journal entry + backups (when journaling), then the change. */
export function changeScript(
  change: Change,
  journal?: { slot: JournalSlot; task: string; mask?: (s: string) => string; roll?: RollRecord },
): ChangeScript {
  const def = changeDef(change.kind)!;
  const b = def.script(change);
  if (!journal) return b;
  const { fields, paths } = def.journal(change);
  // What people read in the journal (history, rollback output) is masked; what rollback runs is not.
  const summary = journal.mask ? journal.mask(change.summary) : change.summary;
  // Key order is the on-host format: seq, task, kind, summary, the kind's fields, then paths.
  const entry = {
    seq: journal.slot.seq,
    task: journal.task,
    kind: change.kind,
    summary,
    ...fields,
    ...(journal.roll ? { roll: journal.roll } : {}),
  } as JournalEntry;
  const pre = [journalPrelude(journal.slot, entry, paths)];
  if (def.prelude) pre.push(def.prelude(change));
  // The journal must be on disk before the change: stop at its first failure.
  return { script: `set -e\n${pre.join('\n')}\nset +e\n${b.script}`, stdin: b.stdin };
}

/** What the user can do when a change exited with `code`. */
export function failureHint(change: Change, code: number): string {
  if (code === 75)
    return 'the service did not come up in time: look at its log on the host; the journal can undo this run (`provision rollback`)';
  return changeDef(change.kind)!.hint?.(code) ?? 'the change was journaled before it ran: `provision rollback` undoes what this run did';
}
