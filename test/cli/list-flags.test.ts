import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/core/errors.ts';
import { loadOperations } from '../../src/ops/registry.ts';
import { loadPlaybook } from '../../src/playbook/load.ts';
import { startAtTask } from '../../src/runner/start-at.ts';

const dir = 'test/fixtures/cli-lists';
const args = ['-i', `${dir}/hosts.ini`, `${dir}/site.yml`];

/** The same command line given to provision and to the real ansible-playbook. */
async function both(flags: string[]): Promise<[string, string]> {
  const ours = await execa('node', ['bin/provision.js', ...args, ...flags], { reject: false });
  const theirs = await execa('ansible-playbook', [...args, ...flags], { reject: false, env: { ANSIBLE_CONFIG: `${dir}/ansible.cfg` } });
  expect(ours.exitCode).toBe(theirs.exitCode);
  return [ours.stdout, theirs.stdout];
}

describe('ansible-playbook habits: the listings print what ansible-playbook prints', () => {
  // Each case costs two process starts: few cases, each covering several flags.
  const cases: string[][] = [
    ['--list-hosts', '--list-tasks', '-l', 'web1,db1', '--start-at-task', 'Uptime'],
    ['--list-tasks', '--start-at-task', 'Post check'],
    ['--list-tags'],
    ['--syntax-check'],
  ];
  for (const flags of cases) {
    it(flags.join(' '), async () => {
      const [ours, theirs] = await both(flags);
      expect(ours).toBe(theirs);
    });
  }

  it('--version names the version and the config file, as ansible-playbook does', async () => {
    const r = await execa('node', ['bin/provision.js', '--version'], { env: { ANSIBLE_CONFIG: `${dir}/ansible.cfg` } });
    expect(r.stdout).toMatch(/^provision \d+\.\d+\.\d+\n {2}config file = .*test\/fixtures\/cli-lists\/ansible\.cfg\n/);
  });
});

describe('--start-at-task', () => {
  it('leaves out every task before the first match, across plays; a glob works', async () => {
    const pb = await loadPlaybook(`${dir}/site.yml`, await loadOperations());
    const third = [
      'Pre check',
      'flush handlers after pre_tasks',
      'meta',
      'flusher : Named noop',
      'Main',
      'meta',
      'Flush now',
      'ansible.builtin.meta',
    ];
    const rest = [...third, 'flush handlers after tasks', 'Post check'];
    expect(startAtTask(pb, 'Uptime').plays.map((p) => p.tasks.map((t) => t.name))).toEqual([['Uptime'], ['Load'], rest]);
    expect(startAtTask(pb, 'Lo*').plays.map((p) => p.tasks.map((t) => t.name))).toEqual([[], ['Load'], rest]);
    // pre_tasks and post_tasks are tasks of the play as Ansible starts at them; the flushes it adds are no match.
    expect(startAtTask(pb, 'Post*').plays.map((p) => p.tasks.map((t) => t.name))).toEqual([[], [], ['Post check']]);
    expect(startAtTask(pb, 'Main').plays[2]!.tasks.map((t) => t.name)).toEqual(rest.slice(4));
    expect(startAtTask(pb, 'Named noop').plays[2]!.tasks.map((t) => t.name)).toEqual(rest.slice(3));
    expect(() => startAtTask(pb, 'flush handlers*')).toThrow(UsageError);
    expect(() => startAtTask(pb, 'Nope')).toThrow(UsageError);
  });
});
