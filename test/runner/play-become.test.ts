/** `become: true` on a play, or on one of its tasks, reaches the connection of each of its hosts (and only theirs). */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { ConnectError } from '../../src/core/errors.ts';
import { loadOperations } from '../../src/ops/registry.ts';
import { RunEmitter } from '../../src/runner/events.ts';
import { runPlaybook } from '../../src/runner/run.ts';

/** Run `site` against hosts w1 (group web) and d1 (group db); what each connection was opened with. */
async function becomeSeen(site: string): Promise<Record<string, boolean>> {
  const dir = mkdtempSync(join(tmpdir(), 'pv-become-'));
  writeFileSync(
    join(dir, 'hosts.yml'),
    [
      'all:',
      '  vars: { ansible_user: deploy }',
      '  children:',
      '    web: { hosts: { w1: { ansible_host: 192.0.2.1 } } }',
      '    db: { hosts: { d1: { ansible_host: 192.0.2.2 } } }',
      '',
    ].join('\n'),
  );
  writeFileSync(join(dir, 'site.yml'), site);
  const seen: Record<string, boolean> = {};
  const r = await runPlaybook({
    inventory: join(dir, 'hosts.yml'),
    playbook: join(dir, 'site.yml'),
    ops: await loadOperations(),
    emitter: new RunEmitter(),
    open: async (spec) => {
      seen[spec.name] = spec.become;
      throw new ConnectError('no network in this test');
    },
  });
  expect(r.exitCode).toBe(3);
  return seen;
}

it('connects with become for the hosts of a become play', async () => {
  const seen = await becomeSeen(
    '- hosts: web\n  become: true\n  tasks:\n    - debug: { msg: hi }\n- hosts: db\n  tasks:\n    - debug: { msg: hi }\n',
  );
  expect(seen).toEqual({ w1: true, d1: false });
});

it('a task’s become: true makes its hosts’ connection become (and only theirs)', async () => {
  const seen = await becomeSeen(
    '- hosts: web\n  tasks:\n    - debug: { msg: hi }\n      become: true\n- hosts: db\n  tasks:\n    - debug: { msg: hi }\n',
  );
  expect(seen).toEqual({ w1: true, d1: false });
});
