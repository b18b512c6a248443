/**
 * Roles as Ansible lays them out and reads them: a Galaxy-style role (defaults, vars, meta
 * dependencies with parameters, handlers, templates, files) loads unchanged, each task sees the
 * variables ansible-playbook gives it (the test runs the real ansible-playbook on the same files
 * and compares), `src` is found in the role's templates/ and files/, and a missing role is an
 * error at its line naming the paths searched.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { PlaybookError } from '../../src/core/errors.ts';
import { loadInventory } from '../../src/inventory/load.ts';
import { templateOp } from '../../src/ops/generic/template.ts';
import { loadOperations } from '../../src/ops/registry.ts';
import { loadPlaybook } from '../../src/playbook/load.ts';
import type { Playbook } from '../../src/playbook/types.ts';
import { expandTask } from '../../src/runner/expand.ts';
import { playVars } from '../../src/vars/play-vars.ts';
import { absentFact, planOp } from '../ops/generic/helpers.ts';
import { fact } from '../../src/facts/types.ts';

const FIX = join(import.meta.dirname, '../fixtures');
const GALAXY = join(FIX, 'roles/site.yml');
const load = async (file: string, rolesPath: string[] = []) => loadPlaybook(file, await loadOperations(), { rolesPath });

/** Every task of the first play expanded for `localhost`, as the runner does before connecting. */
async function expanded(pb: Playbook, extra: Record<string, unknown> = {}) {
  const ops = await loadOperations();
  const inv = await loadInventory(['localhost,']);
  const play = pb.plays[0]!;
  const vars = playVars(inv, play, extra, ['localhost']);
  return play.tasks.map((t) => expandTask(t, ops.get(t.op)!, 'localhost', vars.localhost!, { tags: [], skipTags: [] })[0]!);
}

/** The `msg` of each debug task ansible-playbook prints, in order. */
async function ansibleMessages(file: string): Promise<string[]> {
  const r = await execa('ansible-playbook', ['-i', 'localhost,', '-c', 'local', file], { reject: false, env: { ANSIBLE_NOCOLOR: '1' } });
  expect(r.exitCode, r.stdout).toBe(0);
  return [...r.stdout.matchAll(/^\s+"msg": "(.*)"$/gm)].map((m) => m[1]!);
}

describe('roles', () => {
  it('a Galaxy-style role loads unchanged: dependency first, role tasks, then the play’s; role handlers first', async () => {
    const pb = await load(GALAXY);
    const play = pb.plays[0]!;
    expect(play.tasks.map((t) => t.name)).toEqual([
      'demo_base : base directory',
      'demo_base : motd',
      'demo_app : config directory',
      'demo_app : app config',
      'demo_app : static banner',
      'run the health check',
      'record the failure',
      'record that the block ended',
    ]);
    expect(play.tasks[3]!.role).toEqual({ name: 'demo_app', dir: join(FIX, 'roles/roles/demo_app') });
    expect(play.tasks[3]!.pos.file).toBe(join(FIX, 'roles/roles/demo_app/tasks/config.yml'));
    // Notified by its bare name, as Ansible's role handlers are.
    expect(play.handlers.map((h) => [h.name, h.listen])).toEqual([['demo_app : restart demo app', ['restart demo app']]]);
  });

  it('each task sees the variables ansible-playbook gives it (defaults, dependency params, role vars, task and block vars)', async () => {
    const file = join(FIX, 'roles-precedence/site.yml');
    const theirs = await ansibleMessages(file);
    const ours = (await expanded(await load(file))).map((ht) => String(ht.args.msg));
    expect(ours).toEqual(theirs);
    expect(ours).toContain('a x=a_def v=a_var z=a_def p=param');
  });

  it('the role’s template renders from its templates/ with what Ansible renders (but ansible_managed)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pv-roles-'));
    const r = await execa('ansible-playbook', ['-i', 'localhost,', '-c', 'local', '-e', `demo_root=${dir}`, GALAXY], {
      reject: false,
      env: { ANSIBLE_GATHERING: 'explicit' },
    });
    expect(r.exitCode, r.stdout).toBe(0);
    const theirs = readFileSync(join(dir, 'conf/app.conf'), 'utf8');
    const tasks = await expanded(await load(GALAXY), { demo_root: dir });
    const ht = tasks.find((t) => t.task.name === 'demo_app : app config')!;
    const ctx = {
      host: 'localhost',
      vars: ht.vars,
      hostvars: {},
      playHosts: ['localhost'],
      baseDir: join(FIX, 'roles'),
      roleDir: ht.task.role!.dir,
    };
    const dest = `${dir}/conf/app.conf`;
    const plan = await planOp(templateOp, ht.args as never, [[fact.file(dest, true), absentFact(dest)]], ctx);
    const change = plan.changes[0] as { content: Buffer };
    const strip = (s: string) => s.split('\n').slice(1).join('\n');
    expect(strip(change.content.toString('utf8'))).toBe(strip(theirs));
    expect(theirs).toContain('motd = plain base'); // a dependency's parameter stays the dependency's
    expect(tasks.find((t) => t.task.name === 'demo_base : motd')!.args.content).toBe(readFileSync(join(dir, 'motd'), 'utf8'));
  });

  it('--list-tasks and --start-at-task print what ansible-playbook prints for the role', async () => {
    const flags = ['-i', 'localhost,', GALAXY, '--list-tasks', '--start-at-task', 'app config'];
    const ours = await execa('node', [join(import.meta.dirname, '../../bin/provision.js'), ...flags], { reject: false });
    const theirs = await execa('ansible-playbook', flags, { reject: false });
    expect(ours.exitCode).toBe(0);
    expect(ours.stdout).toBe(theirs.stdout);
    expect(ours.stdout).toContain('demo_app : app config');
  });

  it('a missing role is refused at its line, naming every path searched', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pv-roles-'));
    writeFileSync(join(dir, 'site.yml'), '- hosts: all\n  roles:\n    - common\n    - role: nope\n');
    mkdirSync(join(dir, 'roles/common/tasks'), { recursive: true });
    writeFileSync(join(dir, 'roles/common/tasks/main.yml'), '- debug: { msg: hi }\n');
    const err = (await load(join(dir, 'site.yml'), ['/srv/roles']).catch((e: unknown) => e)) as PlaybookError;
    expect(err).toBeInstanceOf(PlaybookError);
    expect(err.message).toBe(
      `${join(dir, 'site.yml')}:4:7: role \`nope\` not found; looked in: ${dir}/roles/nope, /srv/roles/nope, ${dir}/nope`,
    );
    expect(err.hint).toContain('roles_path');
  });

  it('roles_path finds a role; import_role with tasks_from and vars; include_role is read the same way', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pv-roles-'));
    const shared = join(dir, 'shared');
    mkdirSync(join(shared, 'web/tasks'), { recursive: true });
    mkdirSync(join(shared, 'web/defaults'), { recursive: true });
    writeFileSync(join(shared, 'web/defaults/main.yml'), 'port: 80\n');
    writeFileSync(join(shared, 'web/tasks/main.yml'), '- debug: { msg: "main {{ port }}" }\n');
    writeFileSync(join(shared, 'web/tasks/extra.yml'), '- debug: { msg: "extra {{ port }}" }\n');
    writeFileSync(
      join(dir, 'site.yml'),
      '- hosts: all\n  tasks:\n    - import_role: { name: web, tasks_from: extra }\n      vars: { port: 8080 }\n' +
        '    - ansible.builtin.include_role: { name: web }\n      when: go\n',
    );
    const pb = await load(join(dir, 'site.yml'), [shared]);
    expect(pb.plays[0]!.tasks.map((t) => [t.name, t.when])).toEqual([
      ['web : debug', undefined],
      ['web : debug', ['go']],
    ]);
    const msgs = (await expanded(pb, { go: true })).map((ht) => ht.args.msg);
    expect(msgs).toEqual(['extra 8080', 'main 80']);
  });
});
