/**
 * `unarchive` planned from facts: `creates` skips, a missing archive or destination fails before
 * any change, nothing to unpack is ok, and an archive on this machine (Ansible's default
 * `remote_src: false`) is refused when the playbook is rendered, at the task's line. Unpacking on a
 * real host, rollback included, is test/playbook/unarchive.e2e.test.ts's.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fact } from '../../../src/facts/types.ts';
import { probe, unarchiveOp, type UnarchiveArgs } from '../../../src/ops/generic/unarchive.ts';
import { loadOperations } from '../../../src/ops/registry.ts';
import { loadPlaybook } from '../../../src/playbook/load.ts';
import { expandTask } from '../../../src/runner/expand.ts';
import { absentFact, dirFact, fileFact, planOp } from './helpers.ts';

const a: UnarchiveArgs = { src: '/opt/pkg/app.tar.gz', dest: '/opt/app', remote_src: true, creates: '/opt/app/bin' };
const facts = (o: { creates?: boolean; src?: boolean; dest?: boolean; probe?: { code: number; stdout: string } }) => [
  [fact.file(a.src), o.src === false ? absentFact(a.src) : fileFact(a.src, 'x', {}, false)] as const,
  [fact.file(a.dest), o.dest === false ? absentFact(a.dest) : dirFact(a.dest)] as const,
  [fact.file(a.creates!), o.creates ? dirFact(a.creates!) : absentFact(a.creates!)] as const,
  [fact.command(probe(a)), o.probe ?? { code: 0, stdout: '' }] as const,
];

describe('unarchive (remote_src: true)', () => {
  it('creates: skipped when the path exists; nothing to unpack: ok', async () => {
    expect((await planOp(unarchiveOp, a, facts({ creates: true }) as never)).okMessage).toBe(
      '/opt/app/bin exists (creates), so /opt/pkg/app.tar.gz is not unpacked',
    );
    expect((await planOp(unarchiveOp, a, facts({}) as never)).okMessage).toBe('/opt/app already has every file of /opt/pkg/app.tar.gz');
  });

  it('one change that backs up what it replaces, with an undo that removes what it adds', async () => {
    const plan = await planOp(unarchiveOp, a, facts({ probe: { code: 0, stdout: 'd bin\n+ bin/run\n~ conf/a.conf\n' } }) as never);
    const c = plan.changes[0] as { kind: string; command: string; undo: string; summary: string };
    expect(c.kind).toBe('exec');
    expect(c.summary).toBe(
      'unpack /opt/pkg/app.tar.gz into /opt/app: 1 new file, 1 replaced file, 1 new directory (+bin/run ~conf/a.conf)',
    );
    expect(c.command).toMatch(/cp -a \/opt\/app\/conf\/a\.conf \/var\/lib\/provision\/unarchive\/\w+\/conf\/a\.conf\ntar -xf/);
    expect(c.undo).toMatch(/^rm -f -- \/opt\/app\/bin\/run\ncp -a \/var\/lib\/provision\/unarchive\/\w+\/\. \/opt\/app\//);
  });

  it('a missing archive or destination directory fails the plan, before any change', async () => {
    await expect(planOp(unarchiveOp, a, facts({ src: false }) as never)).rejects.toThrow('/opt/pkg/app.tar.gz does not exist on the host');
    await expect(planOp(unarchiveOp, a, facts({ dest: false }) as never)).rejects.toThrow('/opt/app is not a directory');
    await expect(planOp(unarchiveOp, a, facts({ probe: { code: 4, stdout: 'cannot unpack x' } }) as never)).rejects.toThrow(
      'cannot unpack x',
    );
  });

  it('an archive on this machine (no remote_src, Ansible’s default) is refused at the task’s line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pv-unarchive-'));
    const file = join(dir, 'site.yml');
    writeFileSync(file, '- hosts: all\n  tasks:\n    - ansible.builtin.unarchive: { src: app.tar.gz, dest: /opt/app }\n');
    const ops = await loadOperations();
    const t = (await loadPlaybook(file, ops)).plays[0]!.tasks[0]!;
    let err: Error | undefined;
    try {
      expandTask(t, ops.get(t.op)!, 'web1', {}, { tags: [], skipTags: [] });
    } catch (e) {
      err = e as Error;
    }
    expect(err?.message).toMatch(/site\.yml:3:7: task "unarchive app\.tar\.gz": `unarchive` needs argument `remote_src`/);
    expect((err as { hint?: string }).hint).toMatch(/copy it there first/);
  });
});
