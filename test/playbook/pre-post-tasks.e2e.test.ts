/**
 * pre_tasks, post_tasks and `meta: flush_handlers` on a lab host, against the real
 * ansible-playbook running the same file locally: each task and handler appends its name to a log,
 * and the host's log must read as Ansible's (handlers where the play flushes them). --check shows
 * the same order and changes nothing; --start-at-task starts inside post_tasks; `meta: end_host`
 * ends the host's play without its handlers; rollback removes the files the run made; the --json
 * recap counts a failure a rescue caught.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useLab } from '../helpers/lab.ts';
import { cli } from '../helpers/recipe.ts';

const lab = useLab({ profile: 'scale', hosts: 1, services: false });
const host = () => lab.hosts[0]!;
let dir = '';

const log = (name: string, notify = '') =>
  `    - name: ${name}\n      shell: echo "${name}" >> {{ out }}/log\n${notify ? `      notify: ${notify}\n` : ''}`;
const PLAYBOOK =
  '- hosts: all\n  gather_facts: false\n  pre_tasks:\n' +
  log('pre one', 'h1') +
  '    - name: pre file\n      copy: { dest: "{{ out }}/pre.txt", content: "pre\\n" }\n' +
  '  roles: [r]\n  tasks:\n' +
  log('task one', 'h1') +
  '    - meta: flush_handlers\n' +
  log('task two', 'h2') +
  '    - block:\n        - name: fails\n          command: /bin/false\n      rescue:\n' +
  log('rescue one').replace(/^ {4}/gm, '        ') +
  '  post_tasks:\n' +
  log('post one', 'h1') +
  '    - name: post file\n      copy: { dest: "{{ out }}/post.txt", content: "post\\n" }\n' +
  '  handlers:\n' +
  log('h1') +
  log('h2');

/** What ansible-playbook does with the file on this machine: its log, and its task headers in order. */
async function ansible(file: string, extra: string[] = []): Promise<{ log: string; headers: string[] }> {
  const out = mkdtempSync(join(tmpdir(), 'pv-prepost-ansible-'));
  const r = await execa('ansible-playbook', ['-i', 'localhost,', '-c', 'local', '-e', `out=${out}`, ...extra, file], {
    reject: false,
    env: { ANSIBLE_NOCOLOR: '1' },
  });
  expect(r.exitCode, r.stdout).toBe(0);
  const headers = [...r.stdout.matchAll(/^((?:TASK|RUNNING HANDLER) \[.*\])/gm)].map((m) => m[1]!).filter((h) => h !== 'TASK [meta]');
  const text = readFileSync(join(out, 'log'), 'utf8');
  rmSync(out, { recursive: true, force: true });
  return { log: text, headers };
}
// The exact bytes (the marker keeps a trailing newline from being trimmed away).
const cat = async (path: string) => (await lab.exec(host(), `cat ${path}; echo .`)).stdout.replace(/\.$/, '');
const hostLog = () => cat('/opt/pp/log');
const headers = (out: string) => [...out.matchAll(/^((?:TASK|RUNNING HANDLER) \[.*\])/gm)].map((m) => m[1]!);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'pv-prepost-e2e-'));
  mkdirSync(join(dir, 'roles/r/tasks'), { recursive: true });
  writeFileSync(join(dir, 'roles/r/tasks/main.yml'), log('role task', 'h2').replace(/^ {4}/gm, ''));
  writeFileSync(join(dir, 'site.yml'), PLAYBOOK);
  await lab.exec(host(), 'mkdir -p /opt/pp');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('pre_tasks, post_tasks and meta: flush_handlers on a lab host', () => {
  let runId = '';

  it('--check: the same order as ansible-playbook runs, and nothing changes', async () => {
    const theirs = await ansible(join(dir, 'site.yml'));
    const r = await cli(['-i', lab.info.inventoryPath, join(dir, 'site.yml'), '-e', 'out=/opt/pp', '--check']);
    expect(r.code, r.out).toBe(0);
    // In the plan the command cannot fail, so its rescue is not planned (docs/ansible.md).
    expect(headers(r.out)).toEqual(theirs.headers.filter((h) => h !== 'TASK [rescue one]'));
    expect((await lab.exec(host(), 'ls -A /opt/pp')).stdout).toBe('');
  });

  it('a run: the host’s log reads as ansible-playbook’s, each handler where the play flushes it', async () => {
    const theirs = await ansible(join(dir, 'site.yml'));
    expect(theirs.log.trim().split('\n')).toEqual([
      'pre one',
      'h1',
      'role task',
      'task one',
      'h1',
      'h2',
      'task two',
      'rescue one',
      'h2',
      'post one',
      'h1',
    ]);
    const r = await cli(['-i', lab.info.inventoryPath, join(dir, 'site.yml'), '-e', 'out=/opt/pp', '--json']);
    expect(r.code, r.out).toBe(0);
    expect(await hostLog()).toBe(theirs.log);
    expect(r.json!.recap[host()]).toMatchObject({ failed: 0, rescued: 1 });
    runId = r.json!.runId!;
  });

  it('--start-at-task inside post_tasks: only what follows runs, and the handler it notifies', async () => {
    await lab.exec(host(), 'rm -f /opt/pp/log');
    const theirs = await ansible(join(dir, 'site.yml'), ['--start-at-task', 'post one']);
    const r = await cli(['-i', lab.info.inventoryPath, join(dir, 'site.yml'), '-e', 'out=/opt/pp', '--start-at-task', 'post one']);
    expect(r.code, r.out).toBe(0);
    expect(await hostLog()).toBe(theirs.log);
    expect(theirs.log).toBe('post one\nh1\n');
  });

  it('meta: end_host ends the host’s play: no later task, post_tasks or notified handler runs', async () => {
    await lab.exec(host(), 'rm -f /opt/pp/log');
    const file = join(dir, 'end.yml');
    writeFileSync(
      file,
      '- hosts: all\n  gather_facts: false\n  tasks:\n' +
        log('first', 'h1') +
        '    - name: stop here\n      meta: end_host\n      when: out is defined\n' +
        log('second') +
        '  post_tasks:\n' +
        log('post') +
        '  handlers:\n' +
        log('h1'),
    );
    const theirs = await ansible(file);
    expect(theirs.log).toBe('first\n');
    const r = await cli(['-i', lab.info.inventoryPath, file, '-e', 'out=/opt/pp']);
    expect(r.code, r.out).toBe(0);
    expect(await hostLog()).toBe(theirs.log);
  });

  it('rollback of the run removes the files its pre_tasks and post_tasks made', async () => {
    expect(await cat('/opt/pp/pre.txt /opt/pp/post.txt')).toBe('pre\npost\n');
    const r = await cli(['rollback', '-i', lab.info.inventoryPath, '--run', runId]);
    expect(r.code, r.out).toBe(0);
    expect((await lab.exec(host(), 'ls /opt/pp')).stdout.trim()).toBe('log');
  });
});
