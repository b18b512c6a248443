/** `register` in Ansible's shapes, `changed_when`/`failed_when` on a result, `no_log`, and tasks that wait for a registered result. */
import { describe, expect, it } from 'vitest';
import type { TaskResult } from '../../src/core/result.ts';
import type { Task } from '../../src/playbook/types.ts';
import type { HostTask } from '../../src/runner/expand.ts';
import { forgetPending, hideOutput, itemResult, judge, NO_LOG, remember, resolve, taskValue } from '../../src/runner/register.ts';

const task = (over: Partial<Task> = {}): Task => ({
  name: 't',
  op: 'shell',
  args: {},
  notify: [],
  tags: [],
  loopVar: 'item',
  ignoreErrors: false,
  listen: [],
  noLog: false,
  pos: { file: 'p.yml', line: 3 },
  ...over,
});
const ht = (t: Task, vars: Record<string, unknown> = {}): HostTask => ({
  task: t,
  op: {} as HostTask['op'],
  label: t.name,
  args: {},
  vars,
});
const res = (status: TaskResult['status'], message = 'm'): TaskResult => ({
  host: 'h',
  task: 't',
  status,
  message,
  diffs: [],
  changes: [],
  durationMs: 0,
});

describe('register', () => {
  it('a loop registers `results`, each with its item (Ansible: `item.item` in a loop over them)', () => {
    const t = task({ loop: '{{ xs }}', register: 'r' });
    const items = [{ home: '/a' }, { home: '/b' }].map((item, i) => itemResult(ht(t, { item }), res(i ? 'changed' : 'ok'), { count: i }));
    const v = taskValue(ht(t), items) as { changed: boolean; results: Record<string, unknown>[] };
    expect(v.changed).toBe(true);
    expect(v.results).toEqual([
      { changed: false, failed: false, msg: 'm', count: 0, item: { home: '/a' }, ansible_loop_var: 'item' },
      { changed: true, failed: false, msg: 'm', count: 1, item: { home: '/b' }, ansible_loop_var: 'item' },
    ]);
    const registered: Record<string, unknown> = {};
    remember(
      registered,
      [ht(t)],
      items.map((value) => ({ value })),
    );
    expect((registered.r as { msg: string }).msg).toBe('All items completed');
  });

  it('a skipped task registers skipped: true', () => {
    expect(itemResult(ht(task()), res('skipped', 'when: x is false'))).toMatchObject({ skipped: true, skip_reason: 'when: x is false' });
  });

  it('a task that reads a registered result is expanded when reached; while a command result is pending it waits', () => {
    const t = task({ reads: ['r'] });
    const later = (reg: Record<string, unknown>) => [{ ...ht(t), args: { seen: reg.r } }];
    const group = [{ ...ht(t), later }];
    expect(resolve(group, { r: { count: 0 } })[0]!.args).toEqual({ seen: { count: 0 } });
    const waiting = resolve(group, { r: { __pending: 'run make' } });
    expect(waiting[0]!.skip).toBe('decided when "run make" has run (the task reads its registered result)');
    expect(resolve([ht(task())], {})[0]!.later).toBeUndefined();
  });

  it('a set_fact waiting in the plan for a command makes its variables wait too; once planned, nothing waits', () => {
    // command (register: v) → set_fact major from v.stdout → a task reading major (found by the twin test).
    const fact = task({ op: 'set_fact', args: { major: '{{ v.stdout }}' }, reads: ['v'], register: 'f' });
    const use = task({ op: 'copy', reads: ['major'] });
    const registered: Record<string, unknown> = { v: { __pending: 'run version.sh' } };
    const planned = resolve([{ ...ht(fact), later: () => [ht(fact)] }], registered);
    expect(planned[0]!.waitsFor).toBe('run version.sh');
    remember(registered, planned, [{ value: { skipped: true } }]);
    expect(registered).toMatchObject({ major: { __pending: 'run version.sh' }, f: { __pending: 'run version.sh' } });
    expect(resolve([{ ...ht(use), later: () => [ht(use)] }], registered)[0]!.skip).toMatch(/^decided when "run version.sh" has run/);
    // Applying starts from what is known: the command registers v again before the set_fact is expanded.
    forgetPending(registered);
    expect(registered).toEqual({});
  });
});

describe('changed_when / failed_when / no_log', () => {
  const sel = task({ register: 'selinux', changedWhen: "'changed' in selinux.stdout" });
  it('changed_when reads the result under its register name', () => {
    expect(judge(ht(sel), res('changed'), { stdout: '' }, true).status).toBe('ok');
    expect(judge(ht(sel), res('changed'), { stdout: 'changed' }, true).status).toBe('changed');
    // While planning a command its output is unknown: the plan stays as planned.
    expect(judge(ht(sel), res('would-change'), {}, false).status).toBe('would-change');
  });

  it('failed_when turns a failure into success and back', () => {
    const t = task({ register: 'r', failedWhen: 'r.rc not in [0, 1]' });
    expect(judge(ht(t), res('failed'), { rc: 1 }, true).status).toBe('changed');
    expect(judge(ht(t), res('changed'), { rc: 2 }, true)).toMatchObject({
      status: 'failed',
      message: expect.stringContaining('failed_when'),
    });
    expect(judge(ht(task({ changedWhen: false })), res('changed'), {}, true).status).toBe('ok');
  });

  it('no_log hides messages, diffs and change lines', () => {
    const r = { ...res('changed', 'set secret="s3cret"'), diffs: [{ path: '/x', before: 'a', after: 's3cret' }], changes: ['set secret'] };
    expect(hideOutput(ht(task({ noLog: true })), r)).toMatchObject({ message: NO_LOG, diffs: [], changes: [NO_LOG] });
    expect(hideOutput(ht(task()), r)).toBe(r);
  });
});
