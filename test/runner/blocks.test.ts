/**
 * block/rescue/always as Ansible runs them, on one host: which tasks run after a failure, when the
 * host counts as rescued, and when a failure fails it (read from a loaded playbook, so the parts
 * each task sits in come from the loader); and `until`/`retries`, `vars`, `import_playbook` and
 * vault-encrypted `vars_files` (made by the real ansible-vault) as loaded.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { PlaybookError } from '../../src/core/errors.ts';
import { VaultKeyring } from '../../src/inventory/vault.ts';
import { loadOperations } from '../../src/ops/registry.ts';
import { loadPlaybook } from '../../src/playbook/load.ts';
import type { Task } from '../../src/playbook/types.ts';
import { BlockState } from '../../src/runner/blocks.ts';

const dir = mkdtempSync(join(tmpdir(), 'pv-blocks-'));
async function tasksOf(yaml: string, name = 'site.yml'): Promise<Task[]> {
  const file = join(dir, name);
  writeFileSync(file, yaml);
  return (await loadPlaybook(file, await loadOperations())).plays[0]!.tasks;
}
const d = (name: string, indent: string) => `${indent}- name: ${name}\n${indent}  debug: { msg: ${name} }\n`;

/** Run the tasks on one host as the runner does; `fails`: names of the tasks that fail. Returns what ran and whether the host failed. */
function walk(tasks: Task[], fails: string[]): { ran: string[]; failed: boolean; rescued: number } {
  const s = new BlockState();
  const ran: string[] = [];
  let rescued = 0;
  for (const t of tasks) {
    if (s.settle(t)) return { ran, failed: true, rescued };
    if (!s.runs(t)) continue;
    ran.push(t.name);
    if (!fails.includes(t.name)) continue;
    const o = s.fail(t);
    if (o === 'fatal') return { ran, failed: true, rescued };
    if (o === 'rescued') rescued += 1;
  }
  return { ran, failed: s.settle(undefined), rescued };
}

const NESTED =
  '- hosts: all\n  tasks:\n' +
  '    - block:\n' +
  d('a', '        ') +
  '        - block:\n' +
  d('b', '            ') +
  d('c', '            ') +
  '          always:\n' +
  d('inner-always', '            ') +
  d('d', '        ') +
  '      rescue:\n' +
  d('r1', '        ') +
  d('r2', '        ') +
  '      always:\n' +
  d('al', '        ') +
  d('after', '    ');

describe('block / rescue / always', () => {
  it('nothing fails: the block and always parts run, the rescue does not', async () => {
    expect(walk(await tasksOf(NESTED), [])).toEqual({
      ran: ['a', 'b', 'c', 'inner-always', 'd', 'al', 'after'],
      failed: false,
      rescued: 0,
    });
  });

  it('a task of the block fails: the rest of it is passed over, rescue and always run, the host goes on rescued', async () => {
    expect(walk(await tasksOf(NESTED), ['b'])).toEqual({
      ran: ['a', 'b', 'inner-always', 'r1', 'r2', 'al', 'after'],
      failed: false,
      rescued: 1,
    });
  });

  it('the rescue fails too: the always part still runs, then the host has failed', async () => {
    expect(walk(await tasksOf(NESTED), ['a', 'r1'])).toEqual({ ran: ['a', 'r1', 'al'], failed: true, rescued: 1 });
  });

  it('an always part that fails fails the host; with no rescue a block failure does too, after always', async () => {
    expect(walk(await tasksOf(NESTED), ['al'])).toMatchObject({ ran: ['a', 'b', 'c', 'inner-always', 'd', 'al'], failed: true });
    const plain = await tasksOf(
      '- hosts: all\n  tasks:\n    - block:\n' +
        d('x', '        ') +
        d('y', '        ') +
        '      always:\n' +
        d('z', '        ') +
        d('next', '    '),
    );
    expect(walk(plain, ['x'])).toEqual({ ran: ['x', 'z'], failed: true, rescued: 0 });
  });

  it('a task outside any block fails the host at once', async () => {
    const t = await tasksOf('- hosts: all\n  tasks:\n' + d('x', '    ') + d('y', '    '));
    expect(walk(t, ['x'])).toEqual({ ran: ['x'], failed: true, rescued: 0 });
  });

  it('ansible_failed_task names the task without its role prefix', () => {
    const task = { name: 'web : start', role: { name: 'web', dir: '/r' }, op: 'shell' } as Task;
    expect(BlockState.failedVars(task, { rc: 1 })).toEqual({
      ansible_failed_task: { name: 'start', action: 'shell' },
      ansible_failed_result: { rc: 1 },
    });
  });
});

describe('until, task vars, import_playbook', () => {
  it('until/retries/delay are read with Ansible’s defaults; retries without until is refused', async () => {
    const [t] = await tasksOf('- hosts: all\n  tasks:\n    - shell: curl -f localhost\n      register: r\n      until: r.rc == 0\n');
    expect(t!.retry).toEqual({ until: 'r.rc == 0', retries: 3, delay: 5 });
    const err = await tasksOf('- hosts: all\n  tasks:\n    - shell: x\n      retries: 2\n').catch((e: unknown) => e);
    expect((err as PlaybookError).message).toBe(`${join(dir, 'site.yml')}:4:7: \`retries\` needs \`until\``);
  });

  it('task vars and block vars: the task’s own win', async () => {
    const [t] = await tasksOf(
      '- hosts: all\n  tasks:\n    - block:\n        - debug: { msg: hi }\n' +
        '          vars: { a: task }\n      vars: { a: block, b: block }\n',
    );
    expect(t!.scope?.vars).toEqual({ a: 'task', b: 'block' });
  });

  it('import_playbook brings the plays of another file, with paths relative to it', async () => {
    const sub = mkdtempSync(join(dir, 'sub-'));
    writeFileSync(join(sub, 'web.yml'), '- hosts: web\n  tasks:\n    - debug: { msg: web }\n');
    const file = join(dir, 'main.yml');
    writeFileSync(file, `- hosts: all\n  tasks:\n    - debug: { msg: first }\n- import_playbook: ${sub}/web.yml\n`);
    const pb = await loadPlaybook(file, await loadOperations());
    expect(pb.plays.map((p) => [p.hosts, p.baseDir])).toEqual([
      ['all', dir],
      ['web', sub],
    ]);
  });
});

describe('vault-encrypted vars_files', () => {
  it('are decrypted with the run’s vault passwords; their values become secrets', async () => {
    const vdir = mkdtempSync(join(dir, 'vault-'));
    writeFileSync(join(vdir, 'pass'), 'pw-1\n');
    writeFileSync(join(vdir, 'secrets.yml'), 'ajp_secret: S3cret-in-a-vault\n');
    const env = { ANSIBLE_CONFIG: join(vdir, 'none.cfg') };
    await execa('ansible-vault', ['encrypt', '--vault-password-file', 'pass', 'secrets.yml'], { cwd: vdir, env });
    const file = join(vdir, 'site.yml');
    writeFileSync(file, '- hosts: all\n  vars_files: [secrets.yml]\n  tasks:\n    - debug: { msg: hi }\n');
    const keyring = new VaultKeyring([{ id: 'default', password: 'pw-1' }]);
    const pb = await loadPlaybook(file, await loadOperations(), { vault: keyring });
    expect(pb.plays[0]!.vars.ajp_secret).toBe('S3cret-in-a-vault');
    expect([...keyring.revealed]).toContain('S3cret-in-a-vault');
    const err = await loadPlaybook(file, await loadOperations()).catch((e: unknown) => e);
    expect((err as Error).message).toContain('no vault password was given');
  });
});
