/**
 * Which tasks share a script (runner/segment.ts): runs of two or more consecutive tasks that need
 * no answer from the host before the next; every other task is a step of its own.
 */
import { describe, expect, it } from 'vitest';
import type { Task } from '../../src/playbook/types.ts';
import type { TaskResult } from '../../src/core/result.ts';
import type { HostRun } from '../../src/runner/host-run.ts';
import { batchable, countTask, spans } from '../../src/runner/segment.ts';

const task = (name: string, more: Partial<Task> = {}): Task =>
  ({ name, op: 'copy', args: {}, notify: [], tags: [], loopVar: 'item', ignoreErrors: false, noLog: false, listen: [], ...more }) as Task;

describe('segments', () => {
  it.each([
    ['register', { register: 'out' }],
    ['changed_when', { changedWhen: 'false' }],
    ['failed_when', { failedWhen: 'out.rc != 0' }],
    ['ignore_errors', { ignoreErrors: true }],
    ['throttle', { throttle: 1 }],
    ['a service task (its start is waited for)', { op: 'service' }],
  ] as [string, Partial<Task>][])('a task with %s is a step of its own', (_n, more) => {
    expect(batchable(task('t', more))).toBe(false);
  });

  it('notify, when, loops and tasks reading set_fact variables may share a script', () => {
    expect(batchable(task('t', { notify: ['restart'], when: 'x', loop: [1, 2], reads: ['x'] }))).toBe(true);
  });

  it('consecutive batchable tasks form one span; a task that must see an answer splits them', () => {
    const tasks = [task('a'), task('b'), task('c', { register: 'r' }), task('d'), task('e', { op: 'service' }), task('f'), task('g')];
    expect(spans(tasks)).toEqual([
      [0, 1],
      [2, 2],
      [3, 3],
      [4, 4],
      [5, 6],
    ]);
    expect(spans([])).toEqual([]);
  });
});

describe('the recap counts (countTask), as ansible-playbook prints them', () => {
  const result = (status: TaskResult['status']): TaskResult => ({
    host: 'h',
    task: 't',
    status,
    message: '',
    diffs: [],
    changes: [],
    durationMs: 0,
  });
  it('a changed task counts in ok= too; a skipped or failed one does not; a loop counts once', () => {
    const h = { recap: { ok: 0, changed: 0, failed: 0, skipped: 0 } } as unknown as HostRun;
    countTask(h, [result('changed'), result('ok')]);
    countTask(h, [result('ok')]);
    countTask(h, [result('would-change')]);
    countTask(h, [result('skipped'), result('skipped')]);
    countTask(h, [result('skipped'), result('ok')]);
    countTask(h, [result('failed')]);
    // ansible-playbook's recap of the same results: ok=4 changed=2 failed=1 skipped=1.
    expect(h.recap).toEqual({ ok: 4, changed: 2, failed: 1, skipped: 1 });
  });
});
