/**
 * Variable precedence past the pre-flight: a set_fact (or registered) value overrides play and task
 * vars but never an extra var (`-e`), as in Ansible; checked against the real ansible-playbook.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { expect, it } from 'vitest';
import { loadInventory } from '../../src/inventory/load.ts';
import { loadOperations } from '../../src/ops/registry.ts';
import { loadPlaybook } from '../../src/playbook/load.ts';
import { expandTask } from '../../src/runner/expand.ts';
import { playVars } from '../../src/vars/play-vars.ts';

const PLAY =
  '- hosts: all\n  gather_facts: false\n  vars: { x: play, y: play }\n  tasks:\n' +
  '    - set_fact: { x: fact, y: fact }\n' +
  '    - debug: { msg: "{{ x }} {{ y }}" }\n      vars: { y: task }\n';

/** The debug task's message as provision renders it once set_fact has run, with `extra` as -e. */
async function ours(file: string, extra: Record<string, unknown>): Promise<string> {
  const ops = await loadOperations();
  const play = (await loadPlaybook(file, ops)).plays[0]!;
  const vars = playVars(await loadInventory(['localhost,']), play, extra, ['localhost']);
  const debug = play.tasks[1]!;
  const [ht] = expandTask(debug, ops.get(debug.op)!, 'localhost', vars.localhost!, { tags: [], skipTags: [] });
  const registered = { x: 'fact', y: 'fact' };
  const group = ht!.later ? ht!.later(registered) : [ht!];
  return String(group[0]!.args.msg);
}

async function ansible(file: string, extra: string[]): Promise<string> {
  const r = await execa('ansible-playbook', ['-i', 'localhost,', '-c', 'local', ...extra, file], {
    reject: false,
    env: { ANSIBLE_NOCOLOR: '1' },
  });
  expect(r.exitCode, r.stdout).toBe(0);
  return /^\s+"msg": "(.*)"$/m.exec(r.stdout)![1]!;
}

it('set_fact beats play and task vars; an extra var beats set_fact', async () => {
  const file = join(mkdtempSync(join(tmpdir(), 'pv-prec-')), 'site.yml');
  writeFileSync(file, PLAY);
  expect(await ours(file, {})).toBe('fact fact');
  expect(await ours(file, { x: 'cli' })).toBe('cli fact');
  expect(await ansible(file, [])).toBe('fact fact');
  expect(await ansible(file, ['-e', 'x=cli'])).toBe('cli fact');
});
