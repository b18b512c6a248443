/**
 * The kit every operation family (generic, tomcat, httpd) plans with: reading a file fact and its
 * text, one builder of file writes (checksum idempotence, mode/owner, `validate`, the diff),
 * shared schema pieces, the secret marking of arguments, and the one way to fail. Pure: nothing
 * here touches the network. The runner masks what `secret()` marks; operations never mask.
 */
import { createHash } from 'node:crypto';
import type { Change } from '../core/change.ts';
import { OperationError } from '../core/errors.ts';
import type { FileDiff } from '../core/result.ts';
import type { Facts, FileFact } from '../facts/types.ts';

/** A typed file request (the same key as `fact.file(path, content)`). */
export function fileRequest(path: string, content = false): { type: 'file'; path: string; content?: boolean } {
  return content ? { type: 'file', path, content: true } : { type: 'file', path };
}

/** A declared file fact, read with the same request (and so the same cache key) as `fileRequest`. */
export function fileFact(facts: Facts, path: string, content = false): FileFact {
  return facts.get(fileRequest(path, content));
}

/**
 * Fail planning with a message and what to do about it. The runner adds the host and the task
 * to every error an operation throws, so operations do not.
 */
export function fail(message: string, hint: string): never {
  throw new OperationError(message, { hint });
}

/** The text of a file an editor reads, or null when the file does not exist. */
export function currentText(fact: FileFact, path: string): string | null {
  if (!fact.exists) return null;
  if (fact.type === 'directory') fail(`${path} is a directory`, 'path must name a regular file');
  if (fact.type === 'link')
    fail(`${path} is a symbolic link`, 'point path at the file it links to (readlink -f shows it), so the edit lands there');
  if (fact.content === undefined) {
    fail(`the content of ${path} was not read`, 'this is a bug in the fact gathering: the request asked for content');
  }
  return fact.content.toString('utf8');
}

/** The text of a regular file read with content, or undefined (absent, a directory, a link). */
export function textIfFile(fact: FileFact): string | undefined {
  return fact.exists && fact.type === 'file' && fact.content ? fact.content.toString('utf8') : undefined;
}

/** The text of a file that must exist as a regular file; otherwise `message` with `hint`. */
export function requiredText(fact: FileFact, message: string, hint: string): string {
  if (!fact.exists || fact.type !== 'file' || !fact.content) fail(message, hint);
  return fact.content.toString('utf8');
}

/** sha256 hex of some bytes (what the `file` fact reports for a regular file). */
export function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Mode and owner of a written file; unset ones are kept (or 0644 for a new file). */
export interface WriteAttrs {
  mode?: number;
  owner?: string;
  group?: string;
}

/** A file to write, as every family describes it. */
export interface TextWrite {
  path: string;
  content: Buffer;
  /** One line for the user. */
  summary: string;
  /** What `--diff` shows (before as the operation read it). */
  diff: FileDiff;
  attrs?: WriteAttrs;
  /** Validator command with `%s` for the uploaded temp file (Ansible's `validate`). */
  validate?: string;
}

/** The `write` change of a file (only the attributes and validator that are set). */
export function writeChange(w: TextWrite): Change {
  const a = w.attrs ?? {};
  return {
    kind: 'write',
    summary: w.summary,
    path: w.path,
    content: w.content,
    ...(a.mode !== undefined ? { mode: a.mode } : {}),
    ...(a.owner ? { owner: a.owner } : {}),
    ...(a.group ? { group: a.group } : {}),
    diff: w.diff,
    ...(w.validate ? { validate: w.validate } : {}),
  };
}

/**
 * A text file's new content, keeping the mode and owner the fact reports: a `write` when the
 * checksum differs from `before` (the text the operation started from), nothing when equal.
 */
export function writeText(
  path: string,
  before: string | null,
  after: string,
  like: FileFact | undefined,
  summary: string,
  validate?: string,
): Change[] {
  if (after === before) return [];
  const attrs: WriteAttrs = {
    ...(like?.mode != null ? { mode: like.mode } : {}),
    ...(like?.owner ? { owner: like.owner } : {}),
    ...(like?.group ? { group: like.group } : {}),
  };
  const content = Buffer.from(after, 'utf8');
  return [writeChange({ path, content, summary, diff: { path, before, after }, attrs, ...(validate ? { validate } : {}) })];
}

/** A JSON schema object with `additionalProperties: false`, so a typo in an argument name is an error. */
export function objectSchema(
  properties: Record<string, unknown>,
  required: string[] = [],
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return { type: 'object', properties, required, additionalProperties: false, ...extra };
}

/** A non-empty string. */
export const nonEmpty = { type: 'string', minLength: 1 };
/** An absolute path. */
export const absPath = { type: 'string', minLength: 1, pattern: '^/' };
/** A TCP/UDP port (-1: disabled, as Tomcat's shutdown port). */
export const portSchema = { type: 'integer', minimum: -1, maximum: 65535 };

/**
 * Mark an argument secret (Ansible's `no_log`): the runner masks its value in every message,
 * diff and journal summary of the task. The mark is JSON Schema's own annotation for passwords,
 * `writeOnly` (the value is written, never shown), which every validator accepts.
 */
export function secret<T extends object>(schema: T): T & { writeOnly: true } {
  return { ...schema, writeOnly: true };
}

type Schema = { writeOnly?: boolean; properties?: Record<string, Schema>; items?: Schema; anyOf?: Schema[]; oneOf?: Schema[] };

/** The values of the arguments `secret()` marks, found by walking the schema beside the arguments. */
export function secretsOf(schema: unknown, value: unknown): string[] {
  const s = schema as Schema | undefined;
  if (!s || value === null || value === undefined) return [];
  if (s.writeOnly) return typeof value === 'string' || typeof value === 'number' ? [String(value)] : [];
  const branches = [...(s.anyOf ?? []), ...(s.oneOf ?? [])].flatMap((b) => secretsOf(b, value));
  if (Array.isArray(value)) return [...branches, ...(s.items ? value.flatMap((v) => secretsOf(s.items, v)) : [])];
  if (typeof value === 'object' && s.properties) {
    return [...branches, ...Object.entries(value as Record<string, unknown>).flatMap(([k, v]) => secretsOf(s.properties![k], v))];
  }
  return branches;
}
