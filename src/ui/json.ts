/**
 * `--json`: one versioned document per command on stdout (schema/output.schema.json, docs/json.md).
 * A run's document is printed at the end; an error before any host was touched is a document too.
 */
import { ProvisionError } from '../core/errors.ts';
import type { TaskResult } from '../core/result.ts';
import type { HostRecap, RunEmitter } from '../runner/events.ts';

/** Bumped on any change that can break a reader (a field removed, renamed or retyped); new fields do not bump it. */
export const SCHEMA_VERSION = 1;

/** A host's outcome in one word: the worst of its results. */
export type HostStatus = 'ok' | 'changed' | 'would-change' | 'failed' | 'unreachable';

interface TaskDoc {
  task: string;
  handler: boolean;
  hosts: string[];
  durationMs: number;
  results: (Omit<TaskResult, 'diffs'> & { diffs?: TaskResult['diffs'] })[];
}

/** The status word of a host's recap. */
export function hostStatus(r: HostRecap, check: boolean): HostStatus {
  if (r.unreachable) return 'unreachable';
  if (r.failed) return 'failed';
  if (r.changed) return check ? 'would-change' : 'changed';
  return 'ok';
}

/** The document of an error that stopped a command before (or instead of) its work. */
export function errorDocument(command: string, err: unknown, exitCode: number): Record<string, unknown> {
  const e = err instanceof Error ? err : new Error(String(err));
  const p = e instanceof ProvisionError ? e : undefined;
  return {
    schemaVersion: SCHEMA_VERSION,
    kind: 'error',
    command,
    exitCode,
    error: {
      type: e.name,
      message: e.message,
      ...(p?.hint ? { hint: p.hint } : {}),
      ...(p?.host ? { host: p.host } : {}),
      ...(p?.task ? { task: p.task } : {}),
      ...(p?.pos ? { pos: p.pos } : {}),
    },
  };
}

/** Collect a run's events; print its document at `run:end`. Diffs only when `diff`. */
export function attachJson(
  em: RunEmitter,
  write: (s: string) => void,
  meta: { playbook: string; inventory: string; check: boolean; diff: boolean },
): void {
  const startedAt = new Date().toISOString();
  let runId: string | null = null;
  let taskStarted = 0;
  const plays: { play: string; check: boolean; hosts: string[]; tasks: TaskDoc[] }[] = [];
  const problems: { host: string; kind: 'unreachable' | 'failed'; message: string; hint?: string }[] = [];
  const messages: { host?: string; message: string }[] = [];
  em.on('run:start', (e) => (runId = e.runId));
  em.on('play:start', (e) => plays.push({ play: e.play, check: e.check, hosts: e.hosts, tasks: [] }));
  em.on('task:start', (e) => {
    taskStarted = Date.now();
    plays.at(-1)?.tasks.push({ task: e.task, handler: e.handler, hosts: e.hosts, durationMs: 0, results: [] });
  });
  em.on('task:end', () => {
    const t = plays.at(-1)?.tasks.at(-1);
    if (t) t.durationMs = Date.now() - taskStarted;
  });
  em.on('task:result', (r) => {
    const t = plays.at(-1)?.tasks.at(-1);
    const { diffs, ...rest } = r;
    t?.results.push({ ...rest, ...(meta.diff ? { diffs } : {}) });
  });
  em.on('host:unreachable', (e) => problems.push({ kind: 'unreachable', ...e }));
  em.on('host:failed', (e) => problems.push({ kind: 'failed', ...e }));
  em.on('info', (e) => messages.push({ ...(e.host ? { host: e.host } : {}), message: e.message }));
  em.on('run:end', (e) => {
    const recap = Object.fromEntries(
      Object.entries(e.recap).map(([h, r]) => [
        h,
        {
          status: hostStatus(r, meta.check),
          ok: r.ok,
          changed: r.changed,
          unreachable: r.unreachable ? 1 : 0,
          failed: r.failed,
          skipped: r.skipped,
          rescued: r.rescued ?? 0,
          ignored: r.ignored ?? 0,
          changes: r.changes,
          roundTrips: r.roundTrips,
          connections: r.connections,
          waitMs: r.waitMs ?? 0,
          connectMs: r.connectMs ?? 0,
        },
      ]),
    );
    const doc = {
      schemaVersion: SCHEMA_VERSION,
      kind: 'run',
      runId: runId ?? e.runId,
      playbook: meta.playbook,
      inventory: meta.inventory,
      check: meta.check,
      startedAt,
      durationMs: e.durationMs,
      exitCode: e.exitCode,
      recap,
      plays,
      problems,
      messages,
    };
    write(JSON.stringify(doc, null, 2));
  });
}
