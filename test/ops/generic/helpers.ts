/**
 * Test data for planning tests: facts built from a map (what the runner would have gathered), a
 * plan context, and ajv validation of an operation's schema. Nothing remote is imitated here.
 */
import { createHash } from 'node:crypto';
import { Ajv } from 'ajv';
import type { Change } from '../../../src/core/change.ts';
import { factKey, type FactRequest, type Facts, type FileFact } from '../../../src/facts/types.ts';
import type { OperationDef, Plan, PlanContext } from '../../../src/ops/types.ts';

export type FactEntry = [FactRequest, unknown];

/** Facts answering exactly the given requests; any other read throws, as the runner's does. */
export function factsFrom(entries: FactEntry[]): Facts {
  const map = new Map(entries.map(([req, value]) => [factKey(req), value]));
  return {
    get(req) {
      const key = factKey(req);
      if (!map.has(key)) throw new Error(`fact not declared: ${key}`);
      return map.get(key) as never;
    },
  };
}

export function ctxWith(vars: Record<string, unknown> = {}, baseDir = '/nonexistent'): PlanContext {
  return { host: 'web1', vars, hostvars: { web1: vars }, playHosts: ['web1'], baseDir };
}

/** A regular file's fact, as gathering would report it. */
export function fileFact(path: string, content: string | Buffer, over: Partial<FileFact> = {}, withContent = true): FileFact {
  const buf = Buffer.isBuffer(content) ? content : Buffer.from(content, 'utf8');
  return {
    path,
    exists: true,
    type: 'file',
    mode: 0o644,
    owner: 'root',
    group: 'root',
    size: buf.length,
    sha256: createHash('sha256').update(buf).digest('hex'),
    ...(withContent ? { content: buf } : {}),
    ...over,
  };
}

export function absentFact(path: string): FileFact {
  return { path, exists: false, type: null, mode: null, owner: null, group: null, size: null, sha256: null };
}

export function dirFact(path: string, over: Partial<FileFact> = {}): FileFact {
  return { path, exists: true, type: 'directory', mode: 0o755, owner: 'root', group: 'root', size: 4096, sha256: null, ...over };
}

/**
 * Plan like the runner: ask the operation which facts it needs, insist the test supplied each of
 * them (only those are readable), then plan.
 */
export async function planOp<A>(op: OperationDef<A>, args: A, entries: FactEntry[], ctx = ctxWith()): Promise<Plan> {
  const wanted = op.facts(args, ctx);
  const given = new Map(entries.map((e) => [factKey(e[0]), e]));
  const declared: FactEntry[] = wanted.map((req) => {
    const e = given.get(factKey(req));
    if (!e) throw new Error(`test supplies no fact for ${factKey(req)}`);
    return e;
  });
  return op.plan(args, factsFrom(declared), ctx);
}

/** The file fact after applying a planned write (content, and mode/owner/group when set). */
export function afterWrite(before: FileFact, change: Change): FileFact {
  if (change.kind !== 'write') throw new Error(`expected a write, got ${change.kind}`);
  return fileFact(before.path, change.content, {
    mode: change.mode ?? before.mode ?? 0o644,
    owner: change.owner ?? before.owner ?? 'root',
    group: change.group ?? before.group ?? 'root',
  });
}

/** ajv's error messages for these arguments, or null when they are valid. */
export function schemaErrors(op: OperationDef<any>, args: unknown): string[] | null {
  const ajv = new Ajv({ allErrors: true, strict: false });
  const validate = ajv.compile(op.schema);
  if (validate(args)) return null;
  return (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`);
}
