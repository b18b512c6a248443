/** Plans (and applies) one expanded task on one host, and turns the outcome into a TaskResult. */
import type { Change } from '../core/change.ts';
import { CommandError, ProvisionError } from '../core/errors.ts';
import { FactPending } from '../facts/gather.ts';
import type { FileDiff, TaskResult } from '../core/result.ts';
import { makeMasker } from '../core/mask.ts';
import { secretsOf } from '../ops/kit.ts';
import type { OperationDef, PlanContext } from '../ops/types.ts';
import type { HostTask } from './expand.ts';
import type { HostRun } from './host-run.ts';
import { learn } from '../host/learn.ts';
import { URI_CONTENT, URI_STATUS } from '../host/changes/uri.ts';
import { hideOutput, itemResult, judge, noLogValues } from './register.ts';

export type Masker = (s: string) => string;

/**
 * The masker of one task: the values of the arguments its operation's schema marks `secret()`
 * first, then the run's secrets (inventory secret variables, --secret-vars-file).
 */
export function taskMasker(op: Pick<OperationDef<any>, 'schema'>, args: unknown, mask: Masker): Masker {
  const own = secretsOf(op.schema, args);
  if (own.length === 0) return mask;
  const first = makeMasker(own);
  return (s) => mask(first(s));
}

/** A change's diff as the user sees it: secrets masked (the change's content keeps them). */
export function shownDiff(c: Change, mask: Masker): FileDiff | undefined {
  if ((c.kind !== 'write' && c.kind !== 'remove') || !c.diff) return undefined;
  return {
    ...c.diff,
    before: c.diff.before === null ? null : mask(c.diff.before),
    after: c.diff.after === null ? null : mask(c.diff.after),
  };
}

function diffsOf(changes: Change[], mask: Masker): FileDiff[] {
  return changes.flatMap((c) => shownDiff(c, mask) ?? []);
}

export function ctxFor(h: HostRun, ht: HostTask, base: Omit<PlanContext, 'host' | 'vars'>): PlanContext {
  return { ...base, host: h.name, vars: ht.vars };
}

export interface TaskOutcome {
  result: TaskResult;
  changes: Change[];
  /** What `register:` holds for this item (Ansible's shape). */
  value: Record<string, unknown>;
  /** While planning: the value is known only once a command has run (its name). */
  pending?: string;
  /**
   * Queued (runner/segment.ts): the changes are learned and waiting for the host's next flush,
   * under this ticket; `settle` turns a failure of that flush at this ticket into the task's outcome.
   */
  queued?: { ticket: number; settle: (err: unknown) => TaskOutcome };
  /** The plan's warnings (masked). */
  warnings?: string[];
}

/** A command's output as `register:` shows it: what its script printed, without the runner's markers. */
function commandValue(changes: Change[], outs: string[], rc = 0, stderr = ''): Record<string, unknown> {
  const c = changes.find((x) => x.kind === 'exec');
  if (!c || c.kind !== 'exec') return {};
  const stdout = outs
    .join('')
    .split('\n')
    .filter((l) => !/^@@pvc \d+ \d+$/.test(l))
    .join('\n')
    .replace(/\n+$/, '');
  return {
    cmd: c.command,
    rc,
    stdout,
    stderr,
    stdout_lines: stdout ? stdout.split('\n') : [],
    stderr_lines: stderr ? stderr.split('\n') : [],
  };
}

/** Change kinds that change nothing on the host: a wait (wait_for) and a request (uri). */
const PROBES = new Set<string>(['wait', 'uri']);

/** A uri request's outcome as `register:` shows it (Ansible's `status`, `url`, `content`, `json`). */
export function uriValue(changes: Change[], out: string): Record<string, unknown> {
  const c = changes.find((x) => x.kind === 'uri');
  if (!c || c.kind !== 'uri') return {};
  const status = new RegExp(`^${URI_STATUS} (\\d+)$`, 'm').exec(out);
  const body = new RegExp(`^${URI_CONTENT} (.*)$`, 'm').exec(out);
  const value: Record<string, unknown> = { url: c.request.url, status: status ? Number(status[1]) : -1 };
  if (body) {
    const content = Buffer.from(body[1]!, 'base64').toString('utf8');
    value.content = content;
    try {
      value.json = JSON.parse(content);
    } catch {
      // not JSON: `content` only, as Ansible
    }
  }
  return value;
}

/**
 * Plan one task; when `apply`, make its changes (journaled), otherwise only learn them into the
 * (forked) fact cache so later tasks see their effect.
 */
export async function runTask(
  h: HostRun,
  ht: HostTask,
  ctx: PlanContext,
  apply: boolean,
  runMask: Masker,
  defer?: (c: Change) => string | undefined,
  /** Queue the changes on the host (HostRun.queue) instead of making them now; for tasks without register or changed_when. */
  queue = false,
): Promise<TaskOutcome> {
  const started = Date.now();
  const hidden = noLogValues(ht);
  const mask = taskMasker(
    ht.op,
    ht.args,
    hidden.length
      ? (
          (m) => (x: string) =>
            m(runMask(x))
        )(makeMasker(hidden))
      : runMask,
  );
  const base = {
    host: h.name,
    task: ht.label,
    ...(ht.item !== undefined ? { item: ht.item } : {}),
    diffs: [] as FileDiff[],
    changes: [] as string[],
  };
  const done = (result: TaskResult, changes: Change[], extra: Record<string, unknown> = {}, known = true): TaskOutcome => {
    const value = itemResult(ht, result, extra);
    const judged = judge(ht, result, value, known);
    value.changed = judged.status === 'changed' || judged.status === 'would-change';
    value.failed = judged.status === 'failed';
    return { result: hideOutput(ht, judged), changes, value, ...(known ? {} : { pending: ht.label }) };
  };
  const failed = (err: unknown, changes: Change[]): TaskOutcome => {
    // The one place an operation's error learns its host and task.
    const e = err instanceof ProvisionError ? err.at({ host: h.name, task: ht.label }) : null;
    const cmd = err instanceof CommandError ? { ...commandValue(changes, [], err.code, err.stderr), ...uriValue(changes, err.stderr) } : {};
    return done(
      {
        ...base,
        status: 'failed',
        message: mask(err instanceof Error ? err.message : String(err)),
        ...(e?.hint ? { hint: mask(e.hint) } : {}),
        diffs: diffsOf(changes, mask),
        changes: changes.map((c) => mask(c.summary)),
        durationMs: Date.now() - started,
      },
      changes,
      cmd,
    );
  };
  if (ht.skip) {
    return done({ ...base, status: 'skipped', message: ht.skip, durationMs: 0 }, []);
  }
  let changes: Change[] = [];
  try {
    await h.facts.gather(ht.op.facts(ht.args, ctx));
    const plan = await ht.op.plan(ht.args, h.facts, ctx);
    changes = plan.changes;
    h.emitter?.emit('debug', {
      host: h.name,
      level: 2,
      message: mask(`plan [${ht.label}]: ${changes.length ? changes.map((c) => c.summary).join('; ') : plan.okMessage}`),
    });
    // Changes to a rolling unit's files wait for its stopped window (roll.ts); later tasks see them as planned.
    const held = apply && defer ? changes.map((c) => defer(c)) : [];
    // A command whose changed_when may say it changed nothing: what was known before it stays true then.
    const known = apply && ht.task.changedWhen !== undefined && changes.some((c) => c.kind === 'exec') ? h.facts.fork() : undefined;
    const made = changes.filter((_, i) => !held[i]);
    const ticket = apply && queue && made.length ? h.queue(made, ht.label, { mask }) : undefined;
    const outs = apply && ticket === undefined ? await h.applyAll(made, ht.label, { mask }) : [];
    changes.forEach((c, i) => {
      const key = held[i];
      if (apply && !key) return;
      learn(h.facts, c, false);
      if (key) h.deferred.set(key, [...(h.deferred.get(key) ?? []), { change: c, task: ht.label, mask }]);
    });
    // A wait (wait_for) or a request (uri) changes nothing: a task of only these is ok, and they are no change in the counts.
    const waits = changes.filter((c) => PROBES.has(c.kind)).length;
    if (apply && waits) h.uncount(waits);
    const status = changes.length === waits ? 'ok' : apply ? 'changed' : 'would-change';
    const later = held.some(Boolean) ? ' (file changes made during its rolling restart)' : '';
    // A command's output and a request's status are known only once they have run.
    const ran = changes.some((c) => c.kind === 'exec' || c.kind === 'uri');
    const out = done(
      {
        ...base,
        status,
        message: mask(
          changes.length === 0
            ? plan.okMessage
            : changes.map((c) => c.summary).join('; ') + later + (waits === changes.length && !apply ? ' (when applying)' : ''),
        ),
        diffs: diffsOf(changes, mask),
        changes: changes.map((c) => mask(c.summary)),
        durationMs: Date.now() - started,
      },
      changes,
      { ...plan.result, ...(apply ? { ...commandValue(changes, outs), ...uriValue(changes, outs.join('')) } : {}) },
      apply || !ran,
    );
    if (plan.warnings?.length) out.warnings = plan.warnings.map(mask);
    if (known && out.result.status === 'ok') {
      h.facts = known;
      h.uncount(changes.length);
    }
    return ticket === undefined ? out : { ...out, queued: { ticket, settle: (err) => failed(err, changes) } };
  } catch (err) {
    // While planning: a file a planned command creates is read only once it has run (at apply).
    if (err instanceof FactPending && !apply) {
      const r: TaskResult = { ...base, status: 'would-change', message: mask(err.message), durationMs: Date.now() - started };
      return done(r, [], {}, false);
    }
    return failed(err, changes);
  }
}
