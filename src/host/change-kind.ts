/**
 * What a change kind is, on the host: the contract every file in `changes/` fulfils. A kind knows
 * its apply script, the journal entry written before it, what it teaches the simulated facts, how
 * rollback undoes it and what to tell the user when it fails. The engine (runner, journal) only
 * looks kinds up in the registry (`changes/index.ts`); it never switches on a kind.
 */
import type { Change, ChangeKind, ServiceSpec } from '../core/change.ts';
import type { FactCache } from '../facts/gather.ts';
import type { PathState, RollRecord } from './layout.ts';

/** One change of kind K. */
export type ChangeOf<K extends ChangeKind> = Extract<Change, { kind: K }>;

/** A change as a remote script; `stdin` carries a file's content. */
export interface ChangeScript {
  script: string;
  stdin?: Buffer;
}

/** What every journal entry holds, whatever its kind. */
export interface EntryBase {
  seq: number;
  task: string;
  /** One line for people (history, rollback output), secrets masked. */
  summary: string;
  /** The paths backed up before the change, in backup order (missing in fixtures written without it). */
  paths?: string[];
  /** Made inside a rolling unit's window: rollback rolls that unit back the same way. */
  roll?: RollRecord;
}

/** A journal entry of kind K with the kind's own fields F. */
export type EntryOf<K extends ChangeKind, F> = EntryBase & { kind: K } & F;

/** What one rollback step does. */
export type StepAction =
  /** Put each path back from its backup (a path that did not exist is removed). */
  | 'restore'
  /** Put back mode and owner only (an `attrs` change). */
  | 'attrs'
  /** Run the entry's `undo` command. */
  | 'undo'
  /** Nothing can undo it (a command without `undo`, a package): reported, not an error. */
  | 'cannot'
  /** The change was never made (its backup is missing): nothing to do. */
  | 'skip';

/** A path of the entry whose backup exists: `i` is its backup index, `existed` tells restore from remove. */
export interface BackedUp {
  i: number;
  path: string;
  existed: boolean;
}

/** How one entry is undone: the step's action, its paths, its command (`undo`) and one line for the user. */
export interface Undo {
  action: StepAction;
  paths: BackedUp[];
  command?: string;
  text: string;
}

/** A service that rollback returns to how it was before the run, after its config check. */
export interface ServiceRestore {
  service: ServiceSpec;
  check?: string;
}

/** Everything one change kind is. `E` is its journal entry, a member of the `JournalEntry` union. */
export interface ChangeDef<K extends ChangeKind, E extends EntryOf<K, object>> {
  kind: K;
  /** Shell that makes the change; it runs after its journal entry and backups are on disk. */
  script(change: ChangeOf<K>): ChangeScript;
  /** The entry's own fields (in the order written on the host) and the paths to back up first. */
  journal(change: ChangeOf<K>): { fields: Omit<E, keyof EntryBase | 'kind'>; paths: string[] };
  /** More shell between the backups and the change (a service records whether it ran). */
  prelude?(change: ChangeOf<K>): string;
  /** Update the fact cache after the change; `applied`: it really happened (vs. simulated). */
  learn(cache: FactCache, change: ChangeOf<K>, applied: boolean): void;
  /** The rollback step for an entry; `backedUp` are its paths whose backup was written. */
  undo(entry: E, backedUp: BackedUp[]): Undo;
  /** What the change left at its first path, to tell someone else's edit (drift) from ours. */
  left?(entry: E): PathState | undefined;
  /** A service rollback must return to its pre-run state (after the files are back). */
  restores?(entry: E): ServiceRestore | undefined;
  /** Undoing it needs one firewalld reload at the end (when a backup was written). */
  reloadsFirewall?: boolean;
  /** What to tell the user when the change exits with `code` (75 and the default are the engine's). */
  hint?(code: number): string | undefined;
}

/** The usual undo: put every backed-up path back (or remove it when it did not exist before). */
export function restoreStep(entry: EntryBase, backedUp: BackedUp[]): Undo {
  if (backedUp.length === 0) return { action: 'skip', paths: [], text: `${entry.summary}: never made (no backup), nothing to undo` };
  // A zone's `.xml.old` that did not exist is noise in the message (it is still removed).
  const what = backedUp
    .filter((p) => !p.path.endsWith('.xml.old') || p.existed)
    .map((p) => (p.existed ? `restore ${p.path}` : `remove ${p.path} (did not exist before)`));
  return { action: 'restore', paths: backedUp, text: what.join('; ') || `restore ${backedUp[0]!.path}` };
}

/** `0o644` as `0644`. */
export const modeStr = (m: number): string => m.toString(8).padStart(4, '0');
