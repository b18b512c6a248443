/**
 * Ansible playbooks load as written: FQCN and short module names become provision's operations,
 * `register`/`changed_when`/`no_log` are read, tasks reading a registered result are marked; what
 * provision does not run is refused at its file:line with what to use instead.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PlaybookError } from '../../src/core/errors.ts';
import { loadOperations } from '../../src/ops/registry.ts';
import { loadPlaybook } from '../../src/playbook/load.ts';

const dir = mkdtempSync(join(tmpdir(), 'pb-names-'));
async function load(text: string) {
  const file = join(dir, `p${Math.random().toString(36).slice(2)}.yml`);
  writeFileSync(file, text);
  return { file, pb: await loadPlaybook(file, await loadOperations()).catch((e: unknown) => e) };
}

describe('Ansible module names and task keywords', () => {
  it('the bench playbook loads unchanged, every module mapped to an operation', async () => {
    const pb = await loadPlaybook(join(import.meta.dirname, '../../bench/ansible/tomcat-cluster.yml'), await loadOperations());
    const ops = pb.plays.flatMap((p) => [...p.tasks, ...p.handlers]).map((t) => t.op);
    expect(new Set(ops)).toEqual(new Set(['shell', 'xml', 'blockinfile', 'copy', 'firewall', 'lineinfile', 'replace']));
    const tasks = pb.plays[0]!.tasks;
    const count = tasks.find((t) => t.name === 'is there a Cluster element')!;
    expect(count.register).toBe('cluster_count');
    // Only the task that reads the registered result waits for it.
    expect(tasks.filter((t) => t.reads).map((t) => t.name)).toEqual(['session replication cluster']);
    expect(tasks.find((t) => t.name.startsWith('AJP'))!.noLog).toBe(true);
    expect(pb.plays[1]!.tasks[0]!.changedWhen).toBe("'changed' in selinux.stdout");
  });

  it.each([
    ['ansible.builtin.copy', 'copy'],
    ['ansible.builtin.lineinfile', 'lineinfile'],
    ['ansible.builtin.replace', 'replace'],
    ['ansible.builtin.systemd', 'service'],
    ['ansible.builtin.dnf', 'package'],
    ['community.general.xml', 'xml'],
    ['ansible.posix.firewalld', 'firewall'],
  ])('%s runs as %s', async (mod, op) => {
    const { pb } = await load(`- hosts: all\n  tasks:\n    - ${mod}: {}\n`);
    expect((pb as { plays: { tasks: { op: string }[] }[] }).plays[0]!.tasks[0]!.op).toBe(op);
  });

  it.each([
    ['async', 'async is not supported'],
    ['environment', 'FOO=1 cmd'],
    ['delegate_to', 'delegate_to is not supported'],
    ['with_items', 'loop:'],
  ])('the keyword %s is refused at its line, with what to use', async (kw, hint) => {
    const { file, pb } = await load(`- hosts: all\n  tasks:\n    - name: t\n      debug: { msg: hi }\n      ${kw}: x\n`);
    expect(pb).toBeInstanceOf(PlaybookError);
    const err = pb as PlaybookError;
    expect(err.message).toBe(`${file}:5:7: the task keyword \`${kw}\` is not supported`);
    expect(err.hint).toContain(hint);
  });

  it('an Ansible module provision has no operation for is refused at its line', async () => {
    const { file, pb } = await load(`- hosts: all\n  tasks:\n    - ansible.builtin.git: { repo: x, dest: /x }\n`);
    const err = pb as PlaybookError;
    expect(err.message).toBe(`${file}:3:7: unknown operation \`ansible.builtin.git\``);
    expect(err.hint).toContain('is not supported; provision runs: ');
  });

  it('args: joins a free-form command; register must be a name', async () => {
    const { pb } = await load(`- hosts: all\n  tasks:\n    - shell: make\n      args: { chdir: /src, creates: /src/out }\n`);
    expect((pb as { plays: { tasks: { args: unknown }[] }[] }).plays[0]!.tasks[0]!.args).toEqual({
      cmd: 'make',
      chdir: '/src',
      creates: '/src/out',
    });
    const bad = await load(`- hosts: all\n  tasks:\n    - shell: make\n      register: 'a b'\n`);
    expect((bad.pb as PlaybookError).message).toContain('`register` must be a variable name');
  });

  it('a task reading ansible_* facts waits for the gather; with gather_facts: false it does not', async () => {
    const text = (g: string) => `- hosts: all\n${g}  tasks:\n    - debug: { msg: x }\n      when: ansible_os_family == 'RedHat'\n`;
    const on = (await load(text(''))).pb as { plays: { tasks: { reads?: string[] }[] }[] };
    expect(on.plays[0]!.tasks[0]!.reads).toEqual(['ansible_os_family']);
    const off = (await load(text('  gather_facts: false\n'))).pb as { plays: { tasks: { reads?: string[] }[] }[] };
    expect(off.plays[0]!.tasks[0]!.reads).toBeUndefined();
  });

  it('import_tasks / include_tasks read a tasks file beside the playbook; its when and tags apply to each task', async () => {
    writeFileSync(join(dir, 'more.yml'), '- name: one\n  debug: { msg: a }\n  when: x\n- name: two\n  ansible.builtin.debug: { msg: b }\n');
    const { pb } = await load(
      `- hosts: all\n  tasks:\n    - import_tasks: more.yml\n      when: outer\n      tags: [t]\n    - include_tasks: more.yml\n`,
    );
    const tasks = (pb as { plays: { tasks: { name: string; when?: unknown; tags: string[]; pos: { file: string; line?: number } }[] }[] })
      .plays[0]!.tasks;
    expect(tasks.map((t) => t.name)).toEqual(['one', 'two', 'one', 'two']);
    expect(tasks[0]).toMatchObject({ when: ['outer', 'x'], tags: ['t'], pos: { file: join(dir, 'more.yml'), line: 1 } });
    expect(tasks[1]).toMatchObject({ when: ['outer'], tags: ['t'] });
    expect(tasks[2]!.when).toBe('x');
    const looped = await load(`- hosts: all\n  tasks:\n    - include_tasks: more.yml\n      loop: [1]\n`);
    expect((looped.pb as PlaybookError).message).toContain('`include_tasks` with `loop` is not supported');
  });

  it('a block without rescue/always: its tasks with the block’s when and tags; rescue in handlers is refused', async () => {
    const { pb } = await load(
      `- hosts: all\n  tasks:\n    - name: b\n      when: outer\n      tags: [t]\n` +
        `      block:\n        - debug: { msg: a }\n          when: inner\n`,
    );
    const tasks = (pb as { plays: { tasks: { when?: unknown; tags: string[]; pos: { line?: number } }[] }[] }).plays[0]!.tasks;
    expect(tasks).toHaveLength(1);
    expect(tasks[0]).toMatchObject({ when: ['outer', 'inner'], tags: ['t'], pos: { line: 7 } });
    const { file, pb: bad } = await load(
      `- hosts: all\n  handlers:\n    - block:\n        - debug: { msg: a }\n      rescue:\n        - debug: { msg: b }\n`,
    );
    expect((bad as PlaybookError).message).toBe(`${file}:5:7: rescue/always in handlers are not supported`);
  });
});
