/**
 * An Ansible playbook run unchanged: bench/ansible/tomcat-cluster.yml (FQCN modules,
 * community.general.xml with `count` + `register` + `item.item`, `no_log`, `changed_when`,
 * `replace`, `selectattr`/`product`/`map` filters), with its group_vars, as bench/run.ts runs it
 * (manage_services=false, the counter WAR as app_src). The first run makes the recipe's files;
 * the rerun changes nothing; rollback of the first run puts back every byte.
 */
import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { buildCounterWar } from '../../src/ops/tomcat/build-counter.ts';
import { useLab } from '../helpers/lab.ts';
import { checksums, cli } from '../helpers/recipe.ts';

const REPO = join(import.meta.dirname, '../..');
const PLAYBOOK = join(REPO, 'bench/ansible/tomcat-cluster.yml');
const lab = useLab({ profile: 'scale', hosts: 1, services: false });
const host = () => lab.hosts[0]!;
let dir = '';
let inv = '';
let war = '';
let secret = '';
const run = (extra: string[] = []) =>
  cli(['-i', inv, PLAYBOOK, '-e', 'manage_services=false', '-e', `app_src=${war}`, '-e', 'app_name=ROOT.war', ...extra]);

beforeAll(() => {
  // The bench's inventory shape: every host in `apache` and `tomcat`; the playbook's group_vars beside it.
  dir = mkdtempSync(join(tmpdir(), 'ansible-pb-'));
  const labInv = parse(readFileSync(lab.info.inventoryPath, 'utf8')) as { all: { vars: Record<string, unknown>; hosts: object } };
  secret = String(labInv.all.vars.tomcat_ajp_secret);
  const members = Object.fromEntries(lab.hosts.map((h) => [h, null]));
  inv = join(dir, 'inventory.yml');
  writeFileSync(
    inv,
    stringify({
      all: { vars: labInv.all.vars, hosts: labInv.all.hosts, children: { apache: { hosts: members }, tomcat: { hosts: { ...members } } } },
    }),
  );
  cpSync(join(REPO, 'bench/ansible/group_vars'), join(dir, 'group_vars'), { recursive: true });
  war = join(dir, 'counter.war');
  buildCounterWar(war);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('bench/ansible/tomcat-cluster.yml under provision', () => {
  let pristine = '';
  let firstRun = '';

  it('--check changes nothing and shows the plan', async () => {
    pristine = await checksums(lab, host());
    const r = await run(['--check']);
    expect(r.code, r.out).toBe(0);
    expect(r.out).toMatch(/would change: .* open 45564\/udp/);
    expect(r.out).not.toContain(secret);
    expect(await checksums(lab, host())).toBe(pristine);
    expect((await lab.exec(host(), 'test -e /opt/tomcat2')).code).toBe(1);
  });

  it('the first run makes the recipe: two clustered Tomcats, Apache balancing them, ports open, the WAR in place', async () => {
    const r = await run(['--json']);
    expect(r.code, r.out).toBe(0);
    expect(r.json!.recap[host()]).toMatchObject({ failed: 0 });
    // Ansible's count: tasks that changed (10 in the Tomcat play, 5 in the Apache play; handlers off).
    expect(r.json!.recap[host()]!.changed).toBe(15);
    // no_log: the AJP secret is in no result, diff or change line.
    expect(r.out).not.toContain(secret);
    for (const [home, p] of [
      ['/opt/tomcat', { shutdown: 8005, http: 8080, ajp: 8009, redirect: 8443, route: 'tomcat1', receiver: 4000 }],
      ['/opt/tomcat2', { shutdown: 8006, http: 8081, ajp: 8010, redirect: 8444, route: 'tomcat2', receiver: 4001 }],
    ] as const) {
      // Comments aside: the stock file has a commented-out AJP connector; the live one is made.
      const xml = (await lab.exec(host(), `cat ${home}/conf/server.xml`)).stdout.replace(/<!--[\s\S]*?-->/g, '');
      expect(xml).toMatch(new RegExp(`<Server port="${p.shutdown}"`));
      expect(xml).toMatch(new RegExp(`<Connector port="${p.http}" protocol="HTTP/1.1"[^>]*redirectPort="${p.redirect}"`));
      const ajp = /<Connector[^>]*protocol="AJP\/1\.3"[^>]*>/.exec(xml)?.[0] ?? '';
      expect(ajp).toContain(`port="${p.ajp}"`);
      expect(ajp).toContain(`secret="${secret}"`);
      expect(ajp).toContain('address="127.0.0.1"');
      expect(xml).toMatch(new RegExp(`<Engine [^>]*jvmRoute="${p.route}"`));
      expect(xml.match(/<Cluster className="org.apache.catalina.ha.tcp.SimpleTcpCluster"/g)).toHaveLength(1);
      expect(xml).toMatch(new RegExp(`<Receiver [^>]*port="${p.receiver}"`));
      const sum = (await lab.exec(host(), `sha256sum ${home}/webapps/ROOT.war`)).stdout.split(' ')[0];
      expect(sum).toBe(createHash('sha256').update(readFileSync(war)).digest('hex'));
    }
    expect((await lab.exec(host(), 'grep -c "^export CATALINA_BASE=/opt/tomcat2$" /opt/tomcat2/bin/catalina.sh')).stdout.trim()).toBe('1');
    const vhosts = (await lab.exec(host(), 'cat /usr/local/apache2/conf/extra/httpd-vhosts.conf')).stdout;
    expect(vhosts).toMatch(/BalancerMember "ajp:\/\/127\.0\.0\.1:8009" route=tomcat1 retry=5 secret=/);
    expect(vhosts).toMatch(/BalancerMember "ajp:\/\/127\.0\.0\.1:8010" route=tomcat2 retry=5 secret=/);
    // replace: the shipped example vhosts are commented out, the balancer's own block is not.
    expect(vhosts).toMatch(/^#<VirtualHost \*:80>$/m);
    expect(vhosts).not.toMatch(/^\s+ServerName dummy-host/m);
    expect(vhosts).toMatch(/^<VirtualHost \*:80>$/m);
    const conf = (await lab.exec(host(), 'cat /usr/local/apache2/conf/httpd.conf')).stdout;
    for (const m of ['proxy', 'proxy_ajp', 'proxy_balancer', 'lbmethod_byrequests', 'slotmem_shm'])
      expect(conf).toMatch(new RegExp(`^LoadModule ${m}_module modules/mod_${m}.so$`, 'm'));
    expect(conf).toMatch(/^Include conf\/extra\/httpd-vhosts.conf$/m);
    const ports = (await lab.exec(host(), 'firewall-cmd --list-ports; firewall-cmd --permanent --list-ports')).stdout.split(/\s+/);
    for (const p of ['45564/udp', '45564/tcp', '4000/tcp', '4001/tcp', '80/tcp']) expect(ports.filter((x) => x === p)).toHaveLength(2);
    // The stock httpd -t accepts the result.
    expect((await lab.exec(host(), '/usr/local/apache2/bin/apachectl -t')).code).toBe(0);
  });

  it('the rerun reports changed=0 and changes no byte', async () => {
    const files = await checksums(lab, host());
    const r = await run(['--json']);
    expect(r.code, r.out).toBe(0);
    expect(r.json!.recap[host()]).toMatchObject({ changed: 0, failed: 0, changes: 0 });
    expect(await checksums(lab, host())).toBe(files);
  });

  it('rollback of the first run (and the rerun) restores every byte', async () => {
    const history = (await cli(['history', '-i', inv, '--json'])).json as unknown as {
      hosts: Record<string, { runs: { id: string; changed: number }[] }>;
    };
    const byId = [...history.hosts[host()]!.runs].sort((a, b) => a.id.localeCompare(b.id));
    // The rerun's record says it changed nothing (its SELinux command's changed_when said so).
    expect(byId.map((x) => x.changed > 0)).toEqual([true, false]);
    const runs = byId.map((x) => x.id);
    firstRun = runs[0]!;
    const r = await cli(['rollback', '-i', inv, '--run', firstRun]);
    expect(r.code, r.out).toBe(0);
    expect(await checksums(lab, host())).toBe(pristine);
    expect((await lab.exec(host(), 'test -e /opt/tomcat2')).code).toBe(1);
    expect((await lab.exec(host(), 'firewall-cmd --list-ports; firewall-cmd --permanent --list-ports')).stdout.trim()).toBe('');
  });
});
