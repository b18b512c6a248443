/** The pre-flight's check across hosts: an operation's `acrossHosts` sees every host it was planned on. */
import { describe, expect, it } from 'vitest';
import { OperationError } from '../../src/core/errors.ts';
import type { TaskResult } from '../../src/core/result.ts';
import type { Facts } from '../../src/facts/types.ts';
import type { OperationDef, PlannedOnHost } from '../../src/ops/types.ts';
import type { Task } from '../../src/playbook/types.ts';
import { checkAcrossHosts, type PlannedItem } from '../../src/runner/across.ts';
import type { HostTask } from '../../src/runner/expand.ts';

const noFacts: Facts = { get: () => ({}) as never };
const result = (host: string, status: TaskResult['status']): TaskResult => ({
  host,
  task: 't',
  status,
  message: 'planned',
  diffs: [],
  changes: [],
  durationMs: 0,
});

function items(op: OperationDef<{ n: number }>, task: Task, statuses: TaskResult['status'][]): PlannedItem[] {
  return statuses.map((s, i) => {
    const host = `h${i + 1}`;
    const ht = { task, op, label: 't', args: { n: i + 1 }, vars: {} } as unknown as HostTask;
    return { host, ht, ctx: { host, vars: {}, hostvars: {}, playHosts: [], baseDir: '.' }, result: result(host, s) };
  });
}

const task = (name: string) => ({ name }) as Task;

describe('checkAcrossHosts', () => {
  it('gives each task its planned hosts (not the skipped or failed ones) and forwards warnings, masked', () => {
    const seen: Array<PlannedOnHost<{ n: number }>[]> = [];
    const op = {
      name: 'x',
      schema: {},
      facts: () => [],
      plan: () => ({ changes: [], okMessage: '' }),
      acrossHosts: (p: PlannedOnHost<{ n: number }>[]) => {
        seen.push(p);
        return [`sum ${p.reduce((s, x) => s + x.args.n, 0)} s3cret`];
      },
    };
    const warned: string[] = [];
    const all = [...items(op, task('a'), ['ok', 'would-change', 'skipped', 'failed']), ...items(op, task('b'), ['ok'])];
    checkAcrossHosts(
      all,
      new Map(['h1', 'h2', 'h3', 'h4'].map((h) => [h, noFacts])),
      (s) => s.replace('s3cret', '***'),
      (m) => warned.push(m),
    );
    expect(seen.map((p) => p.map((x) => x.ctx.host))).toEqual([['h1', 'h2'], ['h1']]);
    expect(seen[0]![0]!.facts).toBe(noFacts);
    expect(warned).toEqual(['sum 3 ***', 'sum 1 ***']);
  });

  it('a check that refuses fails the task on every host it covered, with its hint', () => {
    const op = {
      name: 'x',
      schema: {},
      facts: () => [],
      plan: () => ({ changes: [], okMessage: '' }),
      acrossHosts: () => {
        throw new OperationError('the members disagree', { hint: 'make them agree' });
      },
    };
    const all = items(op, task('a'), ['ok', 'would-change', 'skipped']);
    checkAcrossHosts(
      all,
      new Map(),
      (s) => s,
      () => {},
    );
    expect(all.map((i) => [i.result.status, i.result.message, i.result.hint])).toEqual([
      ['failed', 'the members disagree', 'make them agree'],
      ['failed', 'the members disagree', 'make them agree'],
      ['skipped', 'planned', undefined],
    ]);
  });
});
