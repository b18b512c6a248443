/**
 * A play's `pre_tasks:` and `post_tasks:` and `meta:` tasks as Ansible reads them: the order the
 * tasks and the flushes of the notified handlers come in (checked against the real
 * ansible-playbook on the same file), and every meta action provision does not run refused at its
 * line with what to write instead. Running them on a host is pre-post-tasks.e2e.test.ts's.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { PlaybookError } from '../../src/core/errors.ts';
import { loadOperations } from '../../src/ops/registry.ts';
import { loadPlaybook } from '../../src/playbook/load.ts';

const dir = mkdtempSync(join(tmpdir(), 'pv-prepost-'));
mkdirSync(join(dir, 'roles/r/tasks'), { recursive: true });
writeFileSync(join(dir, 'roles/r/tasks/main.yml'), '- name: role task\n  debug: { msg: role task }\n');

const write = (yaml: string, name = 'site.yml') => {
  writeFileSync(join(dir, name), yaml);
  return join(dir, name);
};
const load = async (file: string) => loadPlaybook(file, await loadOperations());
const refusal = async (yaml: string) => {
  const err = await load(write(yaml, 'bad.yml')).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(PlaybookError);
  return err as PlaybookError;
};

const d = (name: string, notify = '') =>
  notify ? `    - name: ${name}\n      command: "true"\n      notify: ${notify}\n` : `    - name: ${name}\n      debug: { msg: ${name} }\n`;
const PLAY =
  '- hosts: all\n  gather_facts: false\n  pre_tasks:\n' +
  d('pre one', 'h1') +
  '  roles: [r]\n  tasks:\n' +
  d('task one', 'h1') +
  '    - meta: flush_handlers\n' +
  d('task two', 'h2') +
  '  post_tasks:\n' +
  d('post one', 'h1') +
  '  handlers:\n' +
  d('h1') +
  d('h2');

describe('pre_tasks, post_tasks and meta', () => {
  it('loads in Ansible’s order: pre_tasks, a flush, roles, tasks, a flush, post_tasks (the last flush ends the batch)', async () => {
    const play = (await load(write(PLAY))).plays[0]!;
    expect(play.tasks.map((t) => (t.meta ? `${t.meta}${t.implicit ? ' (implicit)' : ''}` : t.name))).toEqual([
      'pre one',
      'flush_handlers (implicit)',
      'r : role task',
      'task one',
      'flush_handlers',
      'task two',
      'flush_handlers (implicit)',
      'post one',
    ]);
    expect(play.tasks[4]!.pos).toMatchObject({ file: join(dir, 'site.yml'), line: 12 });
  });

  it('the order in which ansible-playbook runs the same file: each notified handler once per flush, where it flushes', async () => {
    // The handler runs after pre_tasks, at the meta task, at the end of tasks (h2) and at the end of the play.
    const r = await execa('ansible-playbook', ['-i', 'localhost,', '-c', 'local', join(dir, 'site.yml')], {
      reject: false,
      env: { ANSIBLE_NOCOLOR: '1' },
    });
    expect(r.exitCode, r.stdout).toBe(0);
    const theirs = [...r.stdout.matchAll(/^(TASK|RUNNING HANDLER) \[(.*)\]/gm)].map((m) => m[2]!).filter((n) => n !== 'meta');
    expect(theirs).toEqual(['pre one', 'h1', 'r : role task', 'task one', 'h1', 'task two', 'h2', 'post one', 'h1']);
  });

  it('a notify of pre_tasks or post_tasks names a handler of the play (checked at its line)', async () => {
    const err = await refusal('- hosts: all\n  post_tasks:\n    - debug: { msg: x }\n      notify: restrat\n  handlers:\n' + d('restart'));
    expect(err.message).toMatch(/bad\.yml:4:15: task `debug x` notifies `restrat`/);
    expect(err.hint).toBe('did you mean `restart`?');
  });

  it('refuses the meta actions it does not run at their line, with what to write instead', async () => {
    const cases: [string, RegExp, RegExp][] = [
      ['meta: end_play', /bad\.yml:3:7: `meta: end_play` is not supported/, /meta: end_host/],
      ['ansible.builtin.meta: clear_host_errors', /bad\.yml:3:7: `ansible.builtin.meta: clear_host_errors` is not supported/, /rescue/],
      ['meta: reset_connection', /is not supported/, /one connection/],
      ['meta: flush_handler', /bad\.yml:3:7: unknown meta action `flush_handler`/, /flush_handlers, end_host, noop/],
      ['meta: { flush_handlers: true }', /takes the name of an action/, /flush_handlers/],
    ];
    for (const [task, message, hint] of cases) {
      const err = await refusal(`- hosts: all\n  tasks:\n    - ${task}\n`);
      expect(err.message, task).toMatch(message);
      expect(err.hint, task).toMatch(hint);
    }
    const looped = await refusal('- hosts: all\n  tasks:\n    - meta: noop\n      loop: [1, 2]\n');
    expect(looped.message).toMatch(/bad\.yml:4:7: `meta` with `loop` is not supported/);
    const inHandler = await refusal('- hosts: all\n  tasks: []\n  handlers:\n    - name: h\n      meta: flush_handlers\n');
    expect(inHandler.message).toMatch(/bad\.yml:5:7: `meta: flush_handlers` in handlers is not supported/);
  });

  it('refuses meta end_host in a play with a rolling handler: the changes it holds back would never be made', async () => {
    const err = await refusal(
      '- hosts: all\n  tasks:\n    - meta: end_host\n      when: x is defined\n  handlers:\n' +
        '    - name: restart\n      service: { name: tomcat, state: restarted }\n      rolling: { paths: [/opt/t] }\n',
    );
    expect(err.message).toMatch(/bad\.yml:3:7: `meta: end_host` in a play with a `rolling:` handler is not supported/);
  });
});
