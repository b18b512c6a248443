/**
 * The recipe on systemd-booted hosts with the CentOS 7 package layout (lab layout `rhel`): Apache
 * on web1 as httpd.service with a conf.d drop-in, a Tomcat as tomcat.service on app1 and app2,
 * managed through systemd; app2 gets a second instance whose unit provision makes from
 * tomcat.service (it must take part in replication like the packaged ones). Failover, rerun with
 * no change, a reboot the cluster survives by itself, a settings run rolled back byte for byte
 * (units and their enablement links checked too), and the first run rolled back to the hosts as
 * the lab made them.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { useLab } from '../helpers/lab.ts';
import { checksums, cli, CounterClient, RHEL_TREES } from '../helpers/recipe.ts';
import { newRunId, runIds, verifyUntilOk } from '../helpers/rolling.ts';

const lab = useLab({ profile: 'multi', layout: 'rhel' });
/** Bound of a test that runs provision over three Tomcats (a rolling restart each) and verify. */
const RUN_MS = 300_000;
const sleep = (ms: number) => new Promise<void>((ok) => setTimeout(ok, ms));
const ip = (name: string) => lab.info.hosts.find((h) => h.name === name)!.ip;
const web = () => lab.hosts[0]!;
const app1 = () => lab.hosts[1]!;
const app2 = () => lab.hosts[2]!;
const ROUTES = ['tomcat1', 'tomcat2', 'tomcat3'];
/** Which host and unit runs each jvmRoute. */
const units = () =>
  ({ tomcat1: [app1(), 'tomcat'], tomcat2: [app2(), 'tomcat'], tomcat3: [app2(), 'tomcat2'] }) as Record<string, [string, string]>;

let inv = '';
/** The lab's inventory, app2 with a second instance (a copy of /opt/tomcat run by its own unit). */
function inventory(): string {
  if (inv) return inv;
  const doc = parse(readFileSync(lab.info.inventoryPath, 'utf8'));
  doc.all.hosts[app2()].tomcat_instances.push({
    home: '/opt/tomcat2',
    source: '/opt/tomcat',
    unit: 'tomcat2',
    jvmRoute: 'tomcat3',
    ports: { shutdown: 8006, http: 8081, redirect: 8444, ajp: 8010 },
    receiverPort: 4001,
  });
  inv = join(lab.info.dir, 'inventory-tomcat3.yml');
  writeFileSync(inv, stringify(doc));
  return inv;
}

/**
 * The routes (jvmRoutes) Apache gives new clients, one request each, until all of `want` are seen;
 * bounded to 40 clients (Apache retries a member it found down after its `retry`, 5 s).
 */
async function routesOfNewSessions(want: string[]): Promise<string[]> {
  const routes = new Set<string>();
  for (let i = 0; i < 40 && !want.every((r) => routes.has(r)); i++) {
    routes.add((await new CounterClient(`http://${ip(web())}/counter/`).hit()).route);
    await sleep(250);
  }
  return [...routes].sort();
}

const sh = async (host: string, cmd: string) => (await lab.exec(host, cmd)).stdout.trim();
const mainPid = (host: string, unit: string) => sh(host, `systemctl show -p MainPID --value ${unit}`);

/** Until the host's systemd says `running` (every unit started), bounded to 60 s. */
async function booted(host: string): Promise<string> {
  let st = '';
  for (let i = 0; i < 120; i++) {
    st = await lab.exec(host, 'systemctl is-system-running').then(
      (r) => r.stdout.trim(),
      () => 'down',
    );
    if (st === 'running' || st === 'degraded') return st;
    await sleep(500);
  }
  return st;
}

describe('the recipe on rhel-layout systemd hosts', () => {
  const pristine: Record<string, string> = {};
  let firstRun = '';

  it('the hosts are CentOS 7 packages as systemd runs them', async () => {
    for (const h of lab.hosts) {
      pristine[h] = await checksums(lab, h, RHEL_TREES);
      expect(await sh(h, 'ps -o comm= -p 1; systemctl is-system-running; systemctl is-enabled firewalld')).toBe(
        'systemd\nrunning\nenabled',
      );
      expect(await sh(h, '. /etc/os-release; echo $ID $VERSION_ID')).toBe('centos 7');
    }
    expect(await sh(web(), 'systemctl is-active httpd; apachectl configtest 2>&1 | tail -1')).toBe('active\nSyntax OK');
    expect(await sh(app1(), 'systemctl is-active tomcat; ps -o user= -p $(systemctl show -p MainPID --value tomcat)')).toBe(
      'active\ntomcat',
    );
  });

  it(
    'the run manages the Tomcats through their units, makes tomcat2.service on app2 and enables them; Apache is reloaded, not restarted',
    async () => {
      const httpdPid = await mainPid(web(), 'httpd');
      const first = await cli(['-i', inventory(), '--json']);
      expect(first.code, first.out).toBe(0);
      firstRun = first.json!.runId!;
      // Named by its unit (the systemd path), not "tomcat tomcat1" (the scripts path).
      expect(first.out).toMatch(/rolled tomcat: /);
      for (const h of [app1(), app2()]) {
        expect(await sh(h, 'systemctl is-enabled tomcat; systemctl is-active tomcat')).toBe('enabled\nactive');
        // systemd knows the JVM it started: the unit's MainPID is the instance's CATALINA_PID.
        expect(await mainPid(h, 'tomcat')).toBe(await sh(h, 'cat /opt/tomcat/temp/tomcat.pid'));
        expect(await sh(h, 'grep -c SimpleTcpCluster /opt/tomcat/conf/server.xml')).toBe('1');
      }
      const unit = await sh(app2(), 'cat /etc/systemd/system/tomcat2.service');
      expect(unit).toContain('Environment=CATALINA_BASE=/opt/tomcat2\n');
      expect(unit).toContain('Environment=CATALINA_PID=/opt/tomcat2/temp/tomcat.pid\n');
      expect(await sh(app2(), 'systemctl is-enabled tomcat2; systemctl is-active tomcat2')).toBe('enabled\nactive');
      expect(await mainPid(app2(), 'tomcat2')).toBe(await sh(app2(), 'cat /opt/tomcat2/temp/tomcat.pid'));
      // Only the unit written is reloaded for: the packaged units already ran their instances.
      expect(first.out).toMatch(/systemctl daemon-reload \(\/etc\/systemd\/system\/tomcat2\.service changed\)/);
      expect(first.out).not.toMatch(/daemon-reload \(\/etc\/systemd\/system\/tomcat\.service/);
      expect(await sh(web(), 'ls /etc/httpd/conf.d')).toContain('provision-balancer-tomcats.conf');
      expect(await mainPid(web(), 'httpd')).toBe(httpdPid);
      const v = await verifyUntilOk(inventory());
      expect(v.code, v.out).toBe(0);
      // Apache sends new sessions to every member, the instance whose unit provision made included.
      expect(await routesOfNewSessions(ROUTES)).toEqual(ROUTES);
    },
    RUN_MS,
  );

  it(
    'a rerun changes nothing: no daemon-reload, no restart, no file touched',
    async () => {
      const files = Object.fromEntries(await Promise.all(lab.hosts.map(async (h) => [h, await checksums(lab, h, RHEL_TREES)])));
      const pids = { t1: await mainPid(app1(), 'tomcat'), t2: await mainPid(app2(), 'tomcat'), t3: await mainPid(app2(), 'tomcat2') };
      const second = await cli(['-i', inventory(), '--json']);
      expect(second.code, second.out).toBe(0);
      for (const h of lab.hosts) expect(second.json!.recap[h]).toMatchObject({ changed: 0, failed: 0 });
      expect(second.out).not.toMatch(/daemon-reload/);
      expect({ t1: await mainPid(app1(), 'tomcat'), t2: await mainPid(app2(), 'tomcat'), t3: await mainPid(app2(), 'tomcat2') }).toEqual(
        pids,
      );
      for (const h of lab.hosts) expect(await checksums(lab, h, RHEL_TREES)).toBe(files[h]);
    },
    RUN_MS,
  );

  it(
    'a session survives `systemctl stop` of the Tomcat that holds it; a rerun starts the unit again',
    async () => {
      const client = new CounterClient(`http://${ip(web())}/counter/`);
      const counts = [await client.hit(), await client.hit(), await client.hit()];
      expect(counts.map((c) => c.count)).toEqual([1, 2, 3]);
      const [host, unit] = units()[counts[2]!.route]!;
      expect((await lab.exec(host, `systemctl stop ${unit}`)).code).toBe(0);
      const after = await client.hit();
      expect(after.count).toBe(4);
      expect(after.route).not.toBe(counts[2]!.route);
      const rerun = await cli(['-i', inventory(), '--json']);
      expect(rerun.code, rerun.out).toBe(0);
      expect(rerun.out).toMatch(new RegExp(`start ${unit} via systemd`));
      expect(await sh(host, `systemctl is-active ${unit}`)).toBe('active');
      const v = await verifyUntilOk(inventory());
      expect(v.code, v.out).toBe(0);
    },
    RUN_MS,
  );

  it(
    'app2 reboots (`systemctl reboot`): both its Tomcats, its firewall ports and the cluster come back by themselves',
    async () => {
      const client = new CounterClient(`http://${ip(web())}/counter/`);
      const before = [await client.hit(), await client.hit()];
      const oldPid1 = (await lab.exec(app2(), 'cat /proc/1/stat')).stdout;
      await lab.exec(app2(), 'systemctl reboot');
      await sleep(1000);
      expect(await booted(app2())).toBe('running');
      expect((await lab.exec(app2(), 'cat /proc/1/stat')).stdout).not.toBe(oldPid1);
      // The upper layer was kept: the cluster in server.xml, the unit provision made, the enablement, the firewall's permanent ports.
      expect(await sh(app2(), 'systemctl is-enabled tomcat tomcat2; systemctl is-active tomcat tomcat2')).toBe(
        'enabled\nenabled\nactive\nactive',
      );
      expect((await sh(app2(), 'firewall-cmd --list-ports')).split(/\s+/)).toEqual(
        expect.arrayContaining(['45564/udp', '45564/tcp', '4000/tcp', '4001/tcp', '8009/tcp', '8010/tcp']),
      );
      // Without any run: every instance answers and sees the others, sessions replicate (verify), the session lives on.
      const v = await verifyUntilOk(inventory());
      expect(v.code, v.out).toBe(0);
      expect(await routesOfNewSessions(ROUTES)).toEqual(ROUTES);
      expect((await client.hit()).count).toBe(before[1]!.count + 1);
    },
    RUN_MS,
  );

  it(
    'a setting changed by a run (every Tomcat restarted through systemd) is rolled back byte for byte',
    async () => {
      const before = Object.fromEntries(await Promise.all(lab.hosts.map(async (h) => [h, await checksums(lab, h, RHEL_TREES)])));
      const ids = await runIds(inventory());
      const change = await cli(['-i', inventory(), '-e', 'cluster_channel_send_options=2']);
      expect(change.code, change.out).toBe(0);
      for (const h of [app1(), app2()]) expect(await sh(h, 'grep -c \'channelSendOptions="2"\' /opt/tomcat/conf/server.xml')).toBe('1');
      expect(await sh(app2(), 'grep -c \'channelSendOptions="2"\' /opt/tomcat2/conf/server.xml')).toBe('1');
      const r = await cli(['rollback', '-i', inventory(), '--run', await newRunId(inventory(), ids)]);
      expect(r.code, r.out).toBe(0);
      for (const h of lab.hosts) expect(await checksums(lab, h, RHEL_TREES), h).toBe(before[h]);
      for (const h of [app1(), app2()]) expect(await sh(h, 'systemctl is-active tomcat')).toBe('active');
      expect(await sh(app2(), 'systemctl is-active tomcat2')).toBe('active');
      const v = await verifyUntilOk(inventory());
      expect(v.code, v.out).toBe(0);
    },
    2 * RUN_MS, // two runs, each rolling all three Tomcats
  );

  it(
    'rollback of the first run (and every run after it) puts every host back byte for byte: ' +
      'tomcat2.service gone, the Tomcats up without the cluster',
    async () => {
      expect(firstRun).not.toBe('');
      // Every Tomcat is restored to the lab's server.xml, with no <Cluster>: none may be waited on for membership it never logs.
      const r = await cli(['rollback', '-i', inventory(), '--run', firstRun]);
      expect(r.code, r.out).toBe(0);
      for (const h of lab.hosts) expect(await checksums(lab, h, RHEL_TREES), h).toBe(pristine[h]);
      expect(await sh(app2(), 'test -e /opt/tomcat2 || echo gone; systemctl list-unit-files --no-legend tomcat2.service | wc -l')).toBe(
        'gone\n0',
      );
      for (const h of [app1(), app2()]) {
        expect(await sh(h, 'systemctl is-active tomcat'), h).toBe('active');
        expect(await sh(h, 'curl -s -o /dev/null -w %{http_code} http://127.0.0.1:8080/'), h).toBe('200');
      }
      expect(await sh(web(), 'systemctl is-active httpd; curl -s http://127.0.0.1/')).toMatch(/^active\n.*Testing 123/);
    },
    RUN_MS,
  );
});
