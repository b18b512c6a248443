/**
 * The typed error tree. Every error a user can cause carries a place (file:line:column, host,
 * task) and a hint saying what to do. Formatting for the terminal lives in `src/ui/format-error.ts`.
 */

/** Where in a source file a problem is (1-based line and column). */
export interface SourcePos {
  file: string;
  line?: number;
  column?: number;
}

export interface ErrorDetails {
  /** What the user can do about it. */
  hint?: string;
  /** Where in a file the problem is. */
  pos?: SourcePos;
  /** The host the problem happened on. */
  host?: string;
  /** The task the problem happened in. */
  task?: string;
  cause?: unknown;
}

export class ProvisionError extends Error {
  readonly hint?: string;
  readonly pos?: SourcePos;
  host?: string;
  task?: string;
  /** Process exit code the CLI uses when this error ends a run. */
  exitCode = 1;
  constructor(message: string, details: ErrorDetails = {}) {
    super(message, details.cause !== undefined ? { cause: details.cause } : undefined);
    this.name = new.target.name;
    this.hint = details.hint;
    this.pos = details.pos;
    this.host = details.host;
    this.task = details.task;
  }

  /** Say where it happened, unless it already says (the runner does this for every operation error). */
  at(place: { host?: string; task?: string }): this {
    this.host ??= place.host;
    this.task ??= place.task;
    return this;
  }
}

/** The inventory file is malformed or inconsistent. */
export class InventoryError extends ProvisionError {
  /** Ansible's exit code for a parser error. */
  override exitCode = 4;
}

/** A playbook is malformed: unknown operation, missing argument, bad YAML. */
export class PlaybookError extends ProvisionError {
  override exitCode = 4;
}

/** A template or variable that cannot be rendered (a syntax error, an undefined variable, a bad filter). */
export class TemplateError extends ProvisionError {
  override exitCode = 4;
}

/** The host cannot be reached (refused, timed out, DNS). */
export class ConnectError extends ProvisionError {
  /** Ansible's exit code for unreachable hosts. */
  override exitCode = 3;
}

/** The host refused our credentials (wrong key, wrong password, missing key file). */
export class AuthError extends ConnectError {}

/** The host's key is unknown (strict checking) or has changed. */
export class HostKeyError extends ConnectError {}

/** An operation failed while planning or applying on a host (Ansible: a failed host is 2). */
export class OperationError extends ProvisionError {
  override exitCode = 2;
}

/** A remote command exited non-zero where success was required. */
export class CommandError extends OperationError {
  readonly command: string;
  readonly code: number;
  readonly stderr: string;
  constructor(message: string, info: { command: string; code: number; stderr: string }, details: ErrorDetails = {}) {
    super(message, details);
    this.command = info.command;
    this.code = info.code;
    this.stderr = info.stderr;
  }
}

/** Another run holds the host's lock. */
export class LockError extends ProvisionError {
  override exitCode = 2;
}

/** A command-line option is wrong (Ansible's exit code 5). */
export class UsageError extends ProvisionError {
  override exitCode = 5;
}
