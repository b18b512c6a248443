/**
 * Tier 1 for rolling changes: `serial` batches, the `rolling:` keyword as validated, which task
 * changes wait for a unit's stopped window, and the rollback planner grouping a roll's entries
 * into units (restarted in the order they rolled, only when their files changed).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Change } from '../../src/core/change.ts';
import { parseJournal } from '../../src/journal/read.ts';
import { planRollback } from '../../src/journal/rollback-plan.ts';
import { unitItems } from '../../src/journal/rollback-script.ts';
import type { HostTask } from '../../src/runner/expand.ts';
import type { HostRun } from '../../src/runner/host-run.ts';
import type { PlayRun } from '../../src/runner/plan.ts';
import { batches } from '../../src/runner/play.ts';
import { deferKey } from '../../src/runner/roll.ts';
import { owns, rollSpecOf } from '../../src/runner/roll-spec.ts';
import type { Task } from '../../src/playbook/types.ts';
import { dump, sha, type FxRun } from '../journal/fixture.ts';

describe('serial batches (Ansible semantics)', () => {
  const hosts = ['a', 'b', 'c', 'd', 'e'];
  it.each([
    [undefined, [['a', 'b', 'c', 'd', 'e']]],
    [[1], [['a'], ['b'], ['c'], ['d'], ['e']]],
    [[2], [['a', 'b'], ['c', 'd'], ['e']]],
    [['40%'], [['a', 'b'], ['c', 'd'], ['e']]],
    [['10%'], [['a'], ['b'], ['c'], ['d'], ['e']]],
    [
      [1, 3],
      [['a'], ['b', 'c', 'd'], ['e']],
    ],
    [
      [1, '100%'],
      [['a'], ['b', 'c', 'd', 'e']],
    ],
  ] as const)('serial %j', (serial, want) => {
    expect(batches(hosts, serial as Array<number | string> | undefined)).toEqual(want);
  });
});

describe('rolling: as validated', () => {
  const raw = {
    paths: ['/opt/tomcat2/'],
    balancer: { name: 'tomcats', member: 'tomcat2', hosts: ['web1', 'web2'], port: '8080' },
    drain_timeout: '10',
  };
  it('renders a unit: its paths, one member per Apache host, the manager URL, timeouts in ms', () => {
    const spec = rollSpecOf(raw);
    expect(spec.paths).toEqual(['/opt/tomcat2']);
    expect(spec.drainTimeoutMs).toBe(10_000);
    expect(spec.balancers).toEqual([
      { host: 'web1', member: { balancer: 'tomcats', route: 'tomcat2', managerUrl: 'http://127.0.0.1:8080/balancer-manager' } },
      { host: 'web2', member: { balancer: 'tomcats', route: 'tomcat2', managerUrl: 'http://127.0.0.1:8080/balancer-manager' } },
    ]);
    expect(rollSpecOf({ ...raw, balancer: { ...raw.balancer, server_name: 'app.example.com' } }).balancers[0]!.member).toMatchObject({
      managerUrl: 'http://app.example.com:8080/balancer-manager',
      hostHeader: 'app.example.com',
    });
  });
  it('owns its paths and what is below them, not a sibling with the same prefix', () => {
    const spec = rollSpecOf(raw);
    expect(owns(spec, '/opt/tomcat2')).toBe(true);
    expect(owns(spec, '/opt/tomcat2/conf/server.xml')).toBe(true);
    expect(owns(spec, '/opt/tomcat/conf/server.xml')).toBe(false);
    expect(owns(spec, '/opt/tomcat22/x')).toBe(false);
  });
  it.each([
    [{}, /`rolling` must have required property 'paths'/],
    [{ paths: ['relative/x'] }, /rolling\.paths\.0` must match pattern/],
    [{ paths: ['/x'], balancer: { name: 'b', member: 'r' } }, /rolling\.balancer` must have required property 'hosts'/],
    [{ paths: ['/x'], balancer: { name: 'b; rm -rf /', member: 'r', hosts: [] } }, /rolling\.balancer\.name` must match pattern/],
    [{ paths: ['/x'], drain_timout: 3 }, /must NOT have additional properties/],
  ])('refuses %j', (bad, message) => {
    expect(() => rollSpecOf(bad)).toThrow(message);
  });
});

describe('which changes wait for a unit', () => {
  const handler = { name: 'restart tomcat', listen: [], rolling: {} } as unknown as Task;
  const unit = (home: string): HostTask => ({ rolling: rollSpecOf({ paths: [home] }) }) as unknown as HostTask;
  const p = {
    play: { handlers: [handler] },
    handlers: new Map([['h1', [[unit('/opt/tomcat'), unit('/opt/tomcat2')]]]]),
  } as unknown as PlayRun;
  const h = { name: 'h1' } as HostRun;
  const task = (notify: string[]) => ({ task: { notify } }) as unknown as HostTask;
  const write = (path: string): Change => ({ kind: 'write', path, content: Buffer.from(''), summary: 'w' });
  it('a notifying task: changes under an instance home wait for that instance, others do not', () => {
    expect(deferKey(p, h, task(['restart tomcat']), write('/opt/tomcat/conf/server.xml'))).toBe('0:0');
    expect(deferKey(p, h, task(['restart tomcat']), write('/opt/tomcat2/webapps/app.war'))).toBe('0:1');
    expect(deferKey(p, h, task(['restart tomcat']), { kind: 'copytree', src: '/opt/tomcat', dest: '/opt/tomcat2', summary: 'c' })).toBe(
      '0:1',
    );
    expect(deferKey(p, h, task(['restart tomcat']), write('/etc/httpd/conf.d/x.conf'))).toBeUndefined();
    expect(
      deferKey(p, h, task(['restart tomcat']), { kind: 'firewall', zone: 'public', port: '4000/tcp', state: 'present', summary: 'f' }),
    ).toBeUndefined();
  });
  it('a task that does not notify the rolling handler changes its files at once', () => {
    expect(deferKey(p, h, task([]), write('/opt/tomcat/conf/server.xml'))).toBeUndefined();
  });
});

describe('rollback of a roll', () => {
  const svc = (n: string) => ({
    name: `tomcat ${n}`,
    start: `/opt/${n}/bin/catalina.sh start`,
    stop: `/opt/${n}/bin/shutdown.sh`,
    status: `pgrep -f ${n}`,
  });
  const roll = (n: string) => ({
    unit: `tomcat ${n}`,
    service: svc(n),
    wait: { port: 8080, url: 'http://127.0.0.1:8080/app/', logFile: `/opt/${n}/logs/catalina.out`, pattern: 'Server startup in' },
    withPeersFail: 'skipping state transfer',
    balancers: [{ host: 'web1', member: { balancer: 'tomcats', route: n, managerUrl: 'http://127.0.0.1:80/balancer-manager' } }],
  });
  const war = (n: string, existed: boolean) => ({
    kind: 'write' as const,
    path: `/opt/${n}/webapps/app.war`,
    afterSha256: sha('2'),
    backups: [existed ? (`f ${sha('1')}` as const) : ('absent' as const)],
    current: [`f ${sha('2')}` as const],
    roll: roll(n),
  });
  const deploy: FxRun = {
    id: '20260101T000000Z-aaaaaa',
    time: '2026-01-01T00:00:00.000Z',
    entries: [
      { kind: 'balancer', member: roll('t1').balancers[0]!.member, state: 'disabled' },
      { kind: 'service', service: svc('t1'), serviceBefore: 'running', roll: roll('t1') },
      war('t1', true),
      { kind: 'service', service: svc('t1'), serviceBefore: 'stopped', roll: roll('t1') },
      { kind: 'balancer', member: roll('t1').balancers[0]!.member, state: 'enabled' },
      { kind: 'service', service: svc('t2'), serviceBefore: 'running', roll: roll('t2') },
      war('t2', true),
      { kind: 'service', service: svc('t2'), serviceBefore: 'stopped', roll: roll('t2') },
      // A third instance only restarted: nothing of it to roll back.
      { kind: 'service', service: svc('t3'), serviceBefore: 'running', roll: roll('t3') },
      { kind: 'service', service: svc('t3'), serviceBefore: 'stopped', roll: roll('t3') },
    ],
  };

  it('groups the entries into units in the order they rolled; services are the units own', () => {
    const plan = planRollback(parseJournal(dump([deploy])));
    expect(plan.units.map((u) => [u.roll.unit, u.before, u.steps.map((s) => s.text)])).toEqual([
      ['tomcat t1', 'running', ['restore /opt/t1/webapps/app.war']],
      ['tomcat t2', 'running', ['restore /opt/t2/webapps/app.war']],
    ]);
    expect(plan.services).toEqual([]);
    // The balancer entries run last, once every unit is back: a drain left by a cut run is enabled
    // again then, never before its instance is restored.
    expect(plan.steps).toEqual([]);
    expect(plan.late.map((s) => [s.seq, s.action])).toEqual([
      [5, 'skip'],
      [1, 'undo'],
    ]);
  });

  it("a unit restarts with the run's wait, the peers' failure pattern only while another member runs", () => {
    const [u] = planRollback(parseJournal(dump([deploy]))).units;
    const alone = unitItems(u!, false);
    expect(alone.map((i) => i.text)).toEqual([
      'stop tomcat t1 (out of the balancer)',
      'restore /opt/t1/webapps/app.war',
      'start tomcat t1 with the restored files and wait for it',
    ]);
    expect(alone[2]!.body).toContain('http://127.0.0.1:8080/app/');
    expect(alone[2]!.body).not.toContain("grep -Eq 'skipping state transfer'");
    expect(unitItems(u!, true)[2]!.body).toContain("grep -Eq 'skipping state transfer'");
  });

  it(
    'a unit whose files the run created is not waited for on its application (it may be gone), ' + 'and one new to the run stays stopped',
    () => {
      const first: FxRun = {
        ...deploy,
        entries: [
          { kind: 'service', service: svc('t1'), serviceBefore: 'running', roll: roll('t1') },
          war('t1', false),
          { kind: 'service', service: svc('t1'), serviceBefore: 'stopped', roll: roll('t1') },
          { kind: 'copytree', path: '/opt/t2', backups: ['absent'], current: ['d'], roll: roll('t2') },
          { kind: 'service', service: svc('t2'), serviceBefore: 'stopped', roll: roll('t2') },
        ],
      };
      const [t1, t2] = planRollback(parseJournal(dump([first]))).units;
      expect(unitItems(t1!, false)[2]!.body).not.toContain('http://127.0.0.1:8080/app/');
      expect(t2!.before).toBe('stopped');
      expect(unitItems(t2!, true).map((i) => i.text)).toEqual([
        'stop tomcat t2 (out of the balancer)',
        'remove /opt/t2 (did not exist before)',
      ]);
    },
  );

  it('a unit restored to a config without the cluster (its app already deployed before) is not waited on for membership', async () => {
    // Its port: the kernel completes the probe's handshake from the backlog while spawnSync blocks.
    const server = createServer();
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    const port = (server.address() as AddressInfo).port;
    const dir = mkdtempSync(join(tmpdir(), 'provision-roll-'));
    const log = join(dir, 'catalina.out');
    const conf = join(dir, 'server.xml');
    // The run added the cluster to an app deployed before (no file created) and waited for membership; its
    // member check greps the config the instance runs with.
    const clustered = {
      ...roll('t1'),
      wait: { port, logFile: log, pattern: 'memberAdded', failPattern: 'startup failed', timeoutMs: 1500 },
      memberCheck: `grep -q SimpleTcpCluster ${conf}`,
    };
    const run: FxRun = {
      ...deploy,
      entries: [
        { kind: 'service', service: svc('t1'), serviceBefore: 'running', roll: clustered },
        { ...war('t1', true), roll: clustered },
        { kind: 'service', service: svc('t1'), serviceBefore: 'stopped', roll: clustered },
      ],
    };
    const [u] = planRollback(parseJournal(dump([run]))).units;
    const items = unitItems(u!, true);
    expect(items[2]!.text).toBe(
      'start tomcat t1 with the restored files and wait for it ' +
        '(if the restored files make it a member: sessions received from the other members)',
    );
    // The start item alone, in a real shell, with a start that only logs a line.
    const start = (logs: string, config: string) => {
      writeFileSync(log, '');
      writeFileSync(conf, config);
      const body = items[2]!.body.replace(svc('t1').start, `echo ${logs} >> ${log}`);
      return spawnSync('sh', ['-c', body], { encoding: 'utf8' });
    };
    try {
      const plain = start('Server startup in', '<Server/>');
      expect(plain.status, plain.stderr + items[2]!.body).toBe(0);
      const member = start('Server startup in', '<Cluster className="SimpleTcpCluster"/>');
      expect(member.status).toBe(75);
      expect(member.stderr).toMatch(/did not answer on port \d+ and \/memberAdded\//);
      expect(start('memberAdded', '<Cluster className="SimpleTcpCluster"/>').status).toBe(0);
      expect(start('startup failed', '<Server/>').status).toBe(76);
    } finally {
      rmSync(dir, { recursive: true, force: true });
      server.close();
    }
  });
});
