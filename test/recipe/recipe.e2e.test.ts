/**
 * The recipe end to end on one lab host (Apache + one Tomcat, as the recipe starts): --check
 * writes nothing; the run makes two clustered Tomcats behind Apache; a session survives the loss
 * of the Tomcat that holds it; a rerun changes and restarts nothing; verify proves and disproves.
 */
import { describe, expect, it } from 'vitest';
import { useLab } from '../helpers/lab.ts';
import { checksums, cli, CounterClient, tomcatPids } from '../helpers/recipe.ts';

const lab = useLab({ profile: 'recipe' });
const host = () => lab.hosts[0]!;
const inv = () => lab.info.inventoryPath;
const url = () => `http://${lab.info.hosts[0]!.ip}/counter/`;

describe('the recipe on one host', () => {
  let pristine = '';
  let firstRunId: string | undefined;

  it('--check --diff on pristine hosts shows every change and writes nothing', async () => {
    pristine = await checksums(lab, host());
    expect(pristine).toContain('/opt/tomcat/conf/server.xml');
    const r = await cli(['-i', inv(), '--check', '--diff']);
    expect(r.code, r.out).toBe(0);
    for (const f of [
      '/opt/tomcat/conf/server.xml',
      '/opt/tomcat2/conf/server.xml',
      '/opt/tomcat2/bin/catalina.sh',
      'conf/extra/httpd-vhosts.conf',
      'conf/httpd.conf',
    ]) {
      expect(r.out).toContain(f);
    }
    expect(r.out).toContain('+      <Cluster className="org.apache.catalina.ha.tcp.SimpleTcpCluster"');
    expect(r.out).toMatch(/would change: \[\S+\] => open 45564\/udp/);
    expect(await checksums(lab, host())).toBe(pristine);
    expect((await lab.exec(host(), 'test -e /opt/tomcat2')).code).toBe(1);
    expect((await lab.exec(host(), 'test -e /var/lib/provision')).code).toBe(1);
  });

  it('the run succeeds; a second run changes nothing and restarts nothing', async () => {
    const first = await cli(['-i', inv(), '--json']);
    expect(first.code, first.out).toBe(0);
    firstRunId = first.json!.runId;
    // What a user checks after the first run: each step of the recipe changed this host.
    const changed = (first.json!.plays as { tasks: { task: string; results: { host: string; status: string }[] }[] }[])
      .flatMap((p) => p.tasks)
      .flatMap((t) => t.results.filter((r) => r.host === host() && r.status === 'changed').map(() => t.task));
    const times = (task: string) => changed.filter((t) => t === task).length;
    expect(times('Tomcat instance (copy, ports, AJP with secret, environment)'), changed.join('\n')).toBe(2);
    expect(times('session replication cluster and jvmRoute')).toBe(1);
    expect(times('the application, distributable, in every instance')).toBe(1);
    expect(times('cluster and AJP ports open')).toBe(1);
    expect(times('proxy modules, vhosts Include and the balancer (checked with httpd -t before reload)')).toBe(1);
    expect(times('restart tomcat')).toBe(2);
    // The recap counts tasks as Ansible does: a looped task that changed two items is changed once.
    expect(first.json!.recap[host()]!.changed).toBe(new Set(changed).size);
    const vhosts = (await lab.exec(host(), 'cat /usr/local/apache2/conf/extra/httpd-vhosts.conf')).stdout;
    expect(vhosts).toMatch(/BalancerMember "?ajp:\/\/127\.0\.0\.1:8009"? .*route=tomcat1/);
    expect(vhosts).toMatch(/BalancerMember "?ajp:\/\/127\.0\.0\.1:8010"? .*route=tomcat2/);
    for (const home of ['/opt/tomcat', '/opt/tomcat2'])
      expect((await lab.exec(host(), `grep -c 'SimpleTcpCluster' ${home}/conf/server.xml`)).stdout.trim()).toBe('1');
    const pids = await tomcatPids(lab, host());
    expect(pids).toMatch(/ \/opt\/tomcat\n.* \/opt\/tomcat2/);
    const files = await checksums(lab, host());

    const second = await cli(['-i', inv(), '--json']);
    expect(second.code, second.out).toBe(0);
    expect(second.json!.recap[host()]).toMatchObject({ changed: 0, failed: 0 });
    expect(await tomcatPids(lab, host())).toBe(pids);
    expect(await checksums(lab, host())).toBe(files);
  });

  it('a session made through Apache survives the loss of the Tomcat that holds it', async () => {
    const client = new CounterClient(url());
    const counts = [await client.hit(), await client.hit(), await client.hit()];
    expect(counts.map((c) => c.count)).toEqual([1, 2, 3]);
    const route = counts[2]!.route;
    expect(counts.every((c) => c.route === route)).toBe(true);
    expect(['tomcat1', 'tomcat2']).toContain(route);

    const home = route === 'tomcat1' ? '/opt/tomcat' : '/opt/tomcat2';
    expect((await lab.exec(host(), `pkill -9 -f -- '-Dcatalina[.]base=${home} '`)).code).toBe(0);
    const after = await client.hit();
    expect(after.count).toBe(4);
    expect(after.route).not.toBe(route);
  });

  it('verify fails naming the stopped instance; a rerun starts it and verify passes', async () => {
    const bad = await cli(['verify', '-i', inv()]);
    expect(bad.code).not.toBe(0);
    expect(bad.out).toMatch(/(tomcat1|tomcat2) \(\S+:\d+\)\s+FAILED\s+not running/);

    const rerun = await cli(['-i', inv(), '--json']);
    expect(rerun.code, rerun.out).toBe(0);
    expect(rerun.json!.recap[host()]!.changed).toBe(1);

    const good = await cli(['verify', '-i', inv()]);
    expect(good.code, good.out).toBe(0);
    expect(good.out).toMatch(/members\s+tomcat1 \S+\s+ok\s+sees 1 other member/);
    expect(good.out).toMatch(/session\s+tomcat\d \S+\s+ok\s+keeps the session made on tomcat\d/);
  });

  it('rollback of the first run (and every later one) puts the host back byte for byte, with the old config live', async () => {
    const history = (await cli(['history', '-i', inv(), '--json'])).json as unknown as {
      hosts: Record<string, { runs: { id: string; status: string }[] }>;
    };
    // Newest first, as the text: the first run is the last row.
    const runs = history.hosts[host()]!.runs;
    expect(runs.map((x) => x.status)).toEqual(['complete', 'complete']);
    expect(runs.at(-1)!.id, 'the run id of the first run --json').toBe(firstRunId);
    const r = await cli(['rollback', '-i', inv(), '--run', runs.at(-1)!.id]);
    expect(r.code, r.out).toBe(0);
    expect(await checksums(lab, host())).toBe(pristine);
    expect((await lab.exec(host(), 'test -e /opt/tomcat2')).code).toBe(1);
    expect((await lab.exec(host(), 'firewall-cmd --list-ports')).stdout.trim()).toBe('');
    // The recipe's starting point runs again: one Tomcat on 8080, Apache serving its own page.
    expect(await tomcatPids(lab, host())).toMatch(/^\d+ \/opt\/tomcat$/);
    expect((await lab.exec(host(), 'curl -s http://127.0.0.1/')).stdout).toContain('It works!');
    const again = await cli(['rollback', '-i', inv()]);
    expect(again.code, again.out).toBe(0);
    expect(again.out).toMatch(/nothing to do/);
  });
});
