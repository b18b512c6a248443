/**
 * Task-level `become` / `become_user` (on a task, a block or a role entry): `become: true` makes the
 * host's one connection become, as a play's does; `become_user` runs a command or shell as that
 * user through `su`; what provision cannot honour is refused at its line. (That a task's `become`
 * reaches the connection: test/runner/play-become.test.ts.)
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PlaybookError } from '../../src/core/errors.ts';
import { shellOp } from '../../src/ops/generic/command.ts';
import { loadOperations } from '../../src/ops/registry.ts';
import { loadPlaybook } from '../../src/playbook/load.ts';
import { planOp } from '../ops/generic/helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'pv-become-'));
async function load(yaml: string) {
  const file = join(dir, `p${Math.random().toString(36).slice(2)}.yml`);
  writeFileSync(file, yaml);
  return { file, pb: await loadPlaybook(file, await loadOperations()).catch((e: unknown) => e) };
}

describe('task-level become', () => {
  it('become_user on a shell task (or its block) runs it as that user', async () => {
    const { pb } = await load(
      '- hosts: all\n  tasks:\n    - shell: whoami > /tmp/me\n      become: true\n      become_user: tomcat\n' +
        '    - block:\n        - shell: id\n      become_user: app\n',
    );
    const tasks = (pb as { plays: { tasks: { args: Record<string, unknown>; become?: boolean }[] }[] }).plays[0]!.tasks;
    expect(tasks.map((t) => [t.args.become_user, t.become])).toEqual([
      ['tomcat', true],
      ['app', undefined],
    ]);
    const plan = await planOp(shellOp, tasks[0]!.args as never, []);
    expect(plan.changes[0]).toMatchObject({
      command: "su -s /bin/sh tomcat -c 'whoami > /tmp/me'",
      summary: expect.stringContaining('as tomcat'),
    });
  });

  it('become_user on a file operation and become: false are refused at their line', async () => {
    const a = await load('- hosts: all\n  tasks:\n    - copy: { dest: /tmp/x, content: y }\n      become_user: app\n');
    expect((a.pb as PlaybookError).message).toBe(`${a.file}:4:7: \`become_user\` on \`copy\` is not supported`);
    expect((a.pb as PlaybookError).hint).toContain('owner:');
    const b = await load('- hosts: all\n  tasks:\n    - shell: id\n      become: false\n');
    expect((b.pb as PlaybookError).message).toBe(`${b.file}:4:7: \`become: false\` on a task is not supported`);
  });
});
