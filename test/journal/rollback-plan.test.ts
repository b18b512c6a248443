/** Tier 1: fixture journals in, planned undo steps out (order, kinds, services, firewall, drift). */
import { describe, expect, it } from 'vitest';
import { historyRows } from '../../src/journal/history.ts';
import { parseJournal } from '../../src/journal/read.ts';
import { planRollback } from '../../src/journal/rollback-plan.ts';
import { lastRun } from '../../src/journal/rollback-hosts.ts';
import { dump, sha, type FxRun } from './fixture.ts';

const conf = '/opt/tomcat/conf/server.xml';
const httpd = {
  name: 'httpd',
  start: '/usr/local/apache2/bin/apachectl start',
  stop: '/usr/local/apache2/bin/apachectl stop',
  status: 'pgrep httpd',
};

const run1: FxRun = {
  id: '20260101T000000Z-aaaaaa',
  time: '2026-01-01T00:00:00.000Z',
  entries: [
    { kind: 'write', path: conf, afterSha256: sha('1'), backups: [`f ${sha('0')}`], current: [`f ${sha('1')}`] },
    { kind: 'exec', summary: 'run cp -a /opt/tomcat /opt/tomcat2', undo: 'rm -rf /opt/tomcat2' },
    { kind: 'mkdir', path: '/opt/tomcat2/extra', backups: ['absent'], current: ['d'] },
    {
      kind: 'firewall',
      zone: 'public',
      paths: ['/etc/firewalld/zones/public.xml', '/etc/firewalld/zones/public.xml.old'],
      backups: ['absent', 'absent'],
      current: [`f ${sha('9')}`, '-'],
    },
    { kind: 'service', service: httpd, check: '/usr/local/apache2/bin/apachectl -t', serviceBefore: 'running' },
    { kind: 'exec', summary: 'run date' },
    { kind: 'package', pkg: { manager: 'yum', name: 'curl' } },
  ],
};

describe('rollback planner', () => {
  it('undoes entries newest first: restore, remove, undo command, cannot-undo reported', () => {
    const plan = planRollback(parseJournal(dump([run1])));
    expect(plan.target).toBe(run1.id);
    expect(plan.steps.map((s) => [s.seq, s.action])).toEqual([
      [7, 'cannot'],
      [6, 'cannot'],
      [5, 'skip'],
      [4, 'restore'],
      [3, 'restore'],
      [2, 'undo'],
      [1, 'restore'],
    ]);
    expect(plan.steps[0]!.text).toContain('packages are not rolled back');
    expect(plan.steps[1]!.text).toMatch(/cannot undo "run date"/);
    expect(plan.steps[3]!.paths).toEqual([
      { i: 0, path: '/etc/firewalld/zones/public.xml', existed: false },
      { i: 1, path: '/etc/firewalld/zones/public.xml.old', existed: false },
    ]);
    expect(plan.steps[4]!.text).toBe('remove /opt/tomcat2/extra (did not exist before)');
    expect(plan.steps[5]!.command).toBe('rm -rf /opt/tomcat2');
    expect(plan.steps[6]!.text).toBe(`restore ${conf}`);
    expect(plan.drift).toEqual([]);
  });

  it('returns services to their pre-run state, config check first, and reloads firewalld once', () => {
    const plan = planRollback(parseJournal(dump([run1])));
    expect(plan.services).toEqual([{ service: httpd, to: 'running', check: '/usr/local/apache2/bin/apachectl -t' }]);
    expect(plan.firewallReload).toBe(true);
    const stopped = { ...run1, entries: [{ kind: 'service' as const, service: httpd, serviceBefore: 'stopped' as const }] };
    expect(planRollback(parseJournal(dump([stopped]))).services[0]!.to).toBe('stopped');
    expect(planRollback(parseJournal(dump([stopped]))).firewallReload).toBe(false);
  });

  it('--run ID undoes that run and every later one, newest first, skipping rolled-back ones', () => {
    const r2: FxRun = {
      id: '20260102T000000Z-bbbbbb',
      time: '2026-01-02T00:00:00.000Z',
      status: 'rolled-back',
      entries: [{ kind: 'write', path: '/a', afterSha256: sha('2'), backups: ['absent'], current: ['-'] }],
    };
    const r3: FxRun = {
      id: '20260103T000000Z-cccccc',
      time: '2026-01-03T00:00:00.000Z',
      entries: [{ kind: 'write', path: conf, afterSha256: sha('3'), backups: [`f ${sha('1')}`], current: [`f ${sha('3')}`] }],
    };
    const plan = planRollback(parseJournal(dump([r3, run1, r2])), run1.id);
    expect(plan.runs).toEqual([r3.id, run1.id]);
    expect(plan.skipped).toEqual([r2.id]);
    expect(plan.steps[0]).toMatchObject({ run: r3.id, seq: 1 });
    expect(plan.steps.at(-1)).toMatchObject({ run: run1.id, seq: 1 });
    // A file written by both runs: no drift, since it holds what the newest run left.
    expect(plan.drift).toEqual([]);
    expect(lastRun([parseJournal(dump([run1])), parseJournal(dump([r3]))])).toBe(r3.id);
  });

  it('an already rolled-back run: nothing to do, and says so', () => {
    const done = { ...run1, status: 'rolled-back' };
    expect(planRollback(parseJournal(dump([done]))).nothing).toBe(`nothing to do: run ${run1.id} was already rolled back`);
    expect(planRollback(parseJournal(dump([run1])), 'nope').nothing).toMatch(/run nope made no change on this host/);
    expect(planRollback(parseJournal('')).nothing).toMatch(/no run is journaled/);
  });

  it('drift: a file edited after the run is reported with what the run left and what is there', () => {
    const edited = { ...run1, entries: [{ ...run1.entries[0]!, current: [`f ${sha('7')}` as const] }] };
    const plan = planRollback(parseJournal(dump([edited])));
    expect(plan.drift).toEqual([
      {
        path: conf,
        run: run1.id,
        seq: 1,
        expected: `file sha256 ${sha('1').slice(0, 12)}…`,
        found: `file sha256 ${sha('7').slice(0, 12)}…`,
        backup: { run: run1.id, seq: 1, i: 0, existed: true },
      },
    ]);
    // A created file deleted by hand, or a file put back to its pre-run bytes by hand, is not drift worth refusing for.
    const back = { ...run1, entries: [{ ...run1.entries[0]!, current: [`f ${sha('0')}` as const] }] };
    expect(planRollback(parseJournal(dump([back]))).drift).toEqual([]);
    const gone = {
      ...run1,
      entries: [{ kind: 'write' as const, path: '/new', afterSha256: sha('1'), backups: ['absent' as const], current: ['-' as const] }],
    };
    expect(planRollback(parseJournal(dump([gone]))).drift).toEqual([]);
  });

  it('an interrupted run: the change cut before it was made is neither drift nor restored from a missing backup', () => {
    const cut: FxRun = {
      id: '20260104T000000Z-dddddd',
      time: '2026-01-04T00:00:00.000Z',
      status: 'running',
      entries: [
        { kind: 'write', path: conf, afterSha256: sha('1'), backups: [`f ${sha('0')}`], current: [`f ${sha('1')}`] },
        // Journaled, backed up, then cut before the write: the file still holds entry 1's bytes.
        { kind: 'write', path: conf, afterSha256: sha('2'), backups: [`f ${sha('1')}`], current: [`f ${sha('1')}`] },
        // Entry written, cut before its backup: the change was never made.
        { kind: 'write', path: '/x', afterSha256: sha('3'), current: ['-'] },
      ],
    };
    const j = parseJournal(dump([cut]));
    const plan = planRollback(j);
    expect(plan.drift).toEqual([]);
    expect(plan.steps.map((s) => s.action)).toEqual(['skip', 'restore', 'restore']);
    expect(historyRows(j)[0]!.status).toBe('interrupted');
    expect(historyRows(parseJournal(dump([cut], { run: cut.id, stale: false })))[0]!.status).toBe('running');
    expect(historyRows(parseJournal(dump([cut], { run: cut.id, stale: true })))[0]!.status).toBe('interrupted');
  });

  it('history: runs in time order with status and who rolled them back', () => {
    const rb = { ...run1, status: 'rolled-back', extra: ['rolled_back=2026-01-05T00:00:00.000Z by bob@ctl'] };
    const rows = historyRows(parseJournal(dump([rb])));
    expect(rows).toEqual([
      {
        id: run1.id,
        time: run1.time,
        user: 'alice',
        control: 'ctl',
        playbook: '/pb/site.yml',
        status: 'rolled-back',
        changed: 7,
        rolledBack: '2026-01-05T00:00:00.000Z by bob@ctl',
      },
    ]);
  });
});
