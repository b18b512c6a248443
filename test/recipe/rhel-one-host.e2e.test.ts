/**
 * The recipe on ONE rhel-layout systemd host, as most CentOS 7 users have it: Apache as
 * httpd.service, tomcat1 as the packaged tomcat.service, tomcat2 a copy whose unit provision makes
 * from it. First run, rerun with no change, failover after `systemctl stop`, a new WAR rolled out
 * under load from several clients through Apache, the first run rolled back byte for byte, then the
 * cluster made again with static membership (a multicast cluster cannot be rolled to static: the
 * first restarted member would find no peer).
 *
 *   npx vitest run test/recipe/rhel-one-host.e2e.test.ts
 */
import { afterAll, describe, expect, it } from 'vitest';
import { appWar, appWorkspace } from '../helpers/apps.ts';
import { useLab } from '../helpers/lab.ts';
import { checksums, cli, CounterClient, RHEL_TREES } from '../helpers/recipe.ts';
import {
  expectNoDisruption,
  expectVersionEverywhere,
  provision,
  runIds,
  SCENARIO_MS,
  stateLines,
  underLoad,
  verifyUntilOk,
  type Instance,
} from '../helpers/rolling.ts';

const lab = useLab({ profile: 'recipe', layout: 'rhel' });
/** Bound of a test that runs provision (a rolling restart of both Tomcats) and verify. */
const RUN_MS = 300_000;
const host = () => lab.hosts[0]!;
const inv = () => lab.info.inventoryPath;
const url = () => `http://${lab.info.hosts[0]!.ip}/counter/`;
const sh = async (cmd: string) => (await lab.exec(host(), cmd)).stdout.trim();
const mainPid = (unit: string) => sh(`systemctl show -p MainPID --value ${unit}`);
const units: Record<string, string> = { tomcat1: 'tomcat', tomcat2: 'tomcat2' };
const instances = (): Instance[] => [
  { name: 'tomcat1', host: host(), port: 8080, home: '/opt/tomcat' },
  { name: 'tomcat2', host: host(), port: 8081, home: '/opt/tomcat2' },
];

describe('the recipe on one rhel-layout systemd host', () => {
  const ws = appWorkspace();
  let pristine = '';
  let firstRun = '';

  afterAll(async () => {
    for (const i of instances())
      console.log(`-- ${i.name} catalina.out (deploy and session state lines)\n${await stateLines(lab, i).catch((e) => String(e))}`);
    ws.cleanup();
  });

  it(
    'the first run makes tomcat2.service from tomcat.service, enables both, reloads Apache (not restarted); verify passes',
    async () => {
      pristine = await checksums(lab, host(), RHEL_TREES);
      expect(await sh('systemctl is-active httpd tomcat; test -e /etc/systemd/system/tomcat2.service || echo none')).toBe(
        'active\nactive\nnone',
      );
      const httpdPid = await mainPid('httpd');
      const first = await cli(['-i', inv(), '--json']);
      expect(first.code, first.out).toBe(0);
      firstRun = first.json!.runId!;
      const unit = await sh('cat /etc/systemd/system/tomcat2.service');
      expect(unit).toContain('Environment=CATALINA_BASE=/opt/tomcat2\n');
      expect(unit).toContain('Environment=CATALINA_PID=/opt/tomcat2/temp/tomcat.pid\n');
      expect(first.out).toMatch(/systemctl daemon-reload \(\/etc\/systemd\/system\/tomcat2\.service changed\)/);
      for (const [u, base] of [
        ['tomcat', '/opt/tomcat'],
        ['tomcat2', '/opt/tomcat2'],
      ]) {
        expect(await sh(`systemctl is-enabled ${u}; systemctl is-active ${u}`), u).toBe('enabled\nactive');
        // systemd knows the JVM it started, as user tomcat: the unit's MainPID is the instance's CATALINA_PID.
        const pid = await mainPid(u!);
        expect(pid).toBe(await sh(`cat ${base}/temp/tomcat.pid`));
        expect(await sh(`ps -o user= -p ${pid}`)).toBe('tomcat');
      }
      expect(await sh('ls /etc/httpd/conf.d')).toContain('provision-balancer-tomcats.conf');
      expect(await mainPid('httpd')).toBe(httpdPid);
      const v = await verifyUntilOk(inv());
      expect(v.code, v.out).toBe(0);
      // Apache sends new sessions to both, the instance whose unit provision made included.
      const routes = new Set<string>();
      for (let i = 0; i < 20 && routes.size < 2; i++) routes.add((await new CounterClient(url()).hit()).route);
      expect([...routes].sort()).toEqual(['tomcat1', 'tomcat2']);
    },
    RUN_MS,
  );

  it(
    'a rerun changes nothing: no daemon-reload, no restart, no file touched',
    async () => {
      const files = await checksums(lab, host(), RHEL_TREES);
      const pids = [await mainPid('tomcat'), await mainPid('tomcat2'), await mainPid('httpd')];
      const second = await cli(['-i', inv(), '--json']);
      expect(second.code, second.out).toBe(0);
      expect(second.json!.recap[host()]).toMatchObject({ changed: 0, failed: 0 });
      expect(second.out).not.toMatch(/daemon-reload/);
      expect([await mainPid('tomcat'), await mainPid('tomcat2'), await mainPid('httpd')]).toEqual(pids);
      expect(await checksums(lab, host(), RHEL_TREES)).toBe(files);
    },
    RUN_MS,
  );

  it(
    'a session survives `systemctl stop` of the Tomcat that holds it; a rerun starts the unit again',
    async () => {
      const client = new CounterClient(url());
      const counts = [await client.hit(), await client.hit(), await client.hit()];
      expect(counts.map((c) => c.count)).toEqual([1, 2, 3]);
      const unit = units[counts[2]!.route]!;
      expect((await lab.exec(host(), `systemctl stop ${unit}`)).code).toBe(0);
      const after = await client.hit();
      expect(after.count).toBe(4);
      expect(after.route).not.toBe(counts[2]!.route);
      const rerun = await cli(['-i', inv()]);
      expect(rerun.code, rerun.out).toBe(0);
      expect(rerun.out).toMatch(new RegExp(`start ${unit} via systemd`));
      expect(await sh(`systemctl is-active ${unit}`)).toBe('active');
      const v = await verifyUntilOk(inv());
      expect(v.code, v.out).toBe(0);
      // The restarted instance received the session from the other one.
      expect((await client.hit()).count).toBe(5);
    },
    RUN_MS,
  );

  it(
    'a new WAR rolls out under load from several clients through Apache: no failed request, no lost session',
    async () => {
      await expectVersionEverywhere(lab, instances(), '1');
      const pids = [await mainPid('tomcat'), await mainPid('tomcat2')];
      const v2 = appWar(ws.root, '2');
      const s = await underLoad('WAR v1 → v2 on rhel units', url(), () => provision('-i', inv(), '-e', `app_src=${v2}`));
      expect.soft(s.run.code, s.run.out).toBe(0);
      expectNoDisruption(s);
      // Rolled through systemd: each unit has a new MainPID, the one in its CATALINA_PID.
      expect(s.run.out).toMatch(/rolled tomcat: /);
      expect(s.run.out).toMatch(/rolled tomcat2: /);
      const after = [await mainPid('tomcat'), await mainPid('tomcat2')];
      expect(after[0]).not.toBe(pids[0]);
      expect(after[1]).not.toBe(pids[1]);
      expect(after).toEqual([await sh('cat /opt/tomcat/temp/tomcat.pid'), await sh('cat /opt/tomcat2/temp/tomcat.pid')]);
      await expectVersionEverywhere(lab, instances(), '2');
      const v = await verifyUntilOk(inv());
      expect(v.code, v.out).toBe(0);
    },
    SCENARIO_MS,
  );

  it(
    'rollback of the first run (and every run after it) puts the host back byte for byte: tomcat2.service gone',
    async () => {
      expect(firstRun).not.toBe('');
      expect([...(await runIds(inv()))]).toContain(firstRun);
      const r = await cli(['rollback', '-i', inv(), '--run', firstRun]);
      expect(r.code, r.out).toBe(0);
      expect(await checksums(lab, host(), RHEL_TREES)).toBe(pristine);
      expect(await sh('test -e /opt/tomcat2 || echo gone; systemctl list-unit-files --no-legend tomcat2.service | wc -l')).toBe('gone\n0');
      expect(await sh('systemctl is-active httpd tomcat')).toBe('active\nactive');
      expect(await sh('curl -s http://127.0.0.1/')).toContain('Testing 123');
    },
    RUN_MS,
  );

  it(
    'static membership: StaticMember elements, the cluster forms, a session survives `systemctl stop` of its Tomcat',
    async () => {
      const r = await cli(['-i', inv(), '-e', 'cluster_membership=static']);
      expect(r.code, r.out).toBe(0);
      for (const base of ['/opt/tomcat', '/opt/tomcat2']) {
        const xml = await sh(`cat ${base}/conf/server.xml`);
        expect(xml).toContain('StaticMembershipService');
        expect(xml).not.toContain('McastService');
      }
      // No multicast port opened: members reach each other on their receivers only.
      expect((await sh('firewall-cmd --list-ports')).split(/\s+/)).not.toContain('45564/udp');
      const v = await verifyUntilOk(inv());
      expect(v.code, v.out).toBe(0);
      const client = new CounterClient(url());
      const counts = [await client.hit(), await client.hit()];
      expect(counts.map((c) => c.count)).toEqual([1, 2]);
      expect((await lab.exec(host(), `systemctl stop ${units[counts[1]!.route]!}`)).code).toBe(0);
      const after = await client.hit();
      expect(after.count).toBe(3);
      expect(after.route).not.toBe(counts[1]!.route);
    },
    RUN_MS,
  );
});
