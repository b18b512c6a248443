/** The one result contract: every task on every host ends as exactly one of these. */
export type Status =
  /** Nothing to do: the host already matches. */
  | 'ok'
  /** Changes were applied. */
  | 'changed'
  /** Check mode: changes were planned and not applied. */
  | 'would-change'
  /** Planning or applying failed; the host stops. */
  | 'failed'
  /** `when` was false, or tags excluded the task. */
  | 'skipped';

/** A file change as the user sees it in `--diff`. Secrets are masked before it is built. */
export interface FileDiff {
  path: string;
  /** null: the file did not exist. */
  before: string | null;
  /** null: the file is removed. */
  after: string | null;
  /** Binary or too large to show; only the checksums differ. */
  binary?: boolean;
}

export interface TaskResult {
  host: string;
  task: string;
  /** The loop item this result is for (its `loop_control.label`), when the task loops. */
  item?: string;
  status: Status;
  /** Why ok, what changed, or what failed. */
  message: string;
  diffs: FileDiff[];
  /** One line per planned change. */
  changes: string[];
  /** The hint of the error that failed the task. */
  hint?: string;
  durationMs: number;
  /** A rolling unit's steps (drain, stop, files, start, enable) and how long each took. */
  steps?: { step: string; ms: number }[];
}
