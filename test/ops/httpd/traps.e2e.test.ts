/**
 * Apache traps caught before any change, on a real lab host (source layout: Debian's apache2 on a
 * /usr/local/apache2 tree, Apache and a Tomcat running): a config that fails `httpd -t` leaves
 * every Apache file byte for byte as it was (the staged test runs before any write); a missing
 * mod_proxy_hcheck is refused at plan time naming the file; health checks work through the real
 * Apache. Module files are moved away and back (the host's overlay keeps the rest).
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { useLab } from '../../helpers/lab.ts';
import { checksums, cli } from '../../helpers/recipe.ts';

const lab = useLab({ profile: 'recipe' });
const host = () => lab.hosts[0]!;
const MODULES = '/usr/lib/apache2/modules';
const APACHE = '/usr/local/apache2';
let dir: string;
let inventory: string;

/** A one-task playbook: httpd_balancer with these arguments and a checked reload. */
function playbook(args: Record<string, unknown>): string {
  const p = join(dir, `site-${Math.random().toString(36).slice(2)}.yml`);
  writeFileSync(
    p,
    stringify([{ name: 'balancer', hosts: 'all', tasks: [{ name: 'the balancer', httpd_balancer: { reload: true, ...args } }] }]),
  );
  return p;
}

const ajpMembers = {
  name: 'tomcats',
  members: [{ host: '127.0.0.1', port: 8009, route: 'tomcat1', secret: 'Secret-For-The-Lab-1' }],
};

const apachePid = async () => (await lab.exec(host(), `cat ${APACHE}/logs/httpd.pid`)).stdout.trim();
const moveAway = (m: string) => lab.exec(host(), `mv ${MODULES}/${m} /root/${m}`);
const moveBack = (m: string) => lab.exec(host(), `mv /root/${m} ${MODULES}/${m}`);

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'pv-httpd-traps-'));
  inventory = join(dir, 'hosts.yml');
  writeFileSync(inventory, stringify(parse(readFileSync(lab.info.inventoryPath, 'utf8'))));
});

describe('Apache traps caught before any change', () => {
  it('a missing mod_proxy_hcheck.so is refused at plan time, naming the file looked for', async () => {
    const before = await checksums(lab, host(), APACHE);
    await moveAway('mod_proxy_hcheck.so');
    try {
      const r = await cli(['-i', inventory, playbook({ ...ajpMembers, health_check: { interval: 2 } })]);
      expect(r.code, r.out).not.toBe(0);
      expect(r.out).toContain(
        `health_check needs mod_proxy_hcheck.so on ${host()}, and ${APACHE}/modules/mod_proxy_hcheck.so does not exist`,
      );
      expect(r.out).toMatch(/nothing was changed on any host/);
      expect(await checksums(lab, host(), APACHE)).toBe(before);
    } finally {
      await moveBack('mod_proxy_hcheck.so');
    }
  });

  it('a config that fails httpd -t leaves every Apache file as it was, and Apache running untouched', async () => {
    const before = await checksums(lab, host(), APACHE);
    const pid = await apachePid();
    // The AJP module the new config loads is gone: only httpd -t on the new config can tell.
    await moveAway('mod_proxy_ajp.so');
    try {
      // --keep-failed: no rollback afterwards, so identical files mean none was ever written.
      const r = await cli(['-i', inventory, '--keep-failed', playbook(ajpMembers)]);
      expect(r.code, r.out).not.toBe(0);
      expect(r.out).toContain(`fatal: [${host()}]`);
      expect(r.out).toContain(`${APACHE}/conf/httpd.conf`);
      expect(r.out).toContain(`${APACHE}/conf/extra/httpd-vhosts.conf`);
      // httpd's own words.
      expect(r.out).toMatch(/Cannot load modules\/mod_proxy_ajp\.so into server/);
      expect(r.out).toContain('nothing was written');
      expect(r.out).not.toContain('Secret-For-The-Lab-1');
      expect(await checksums(lab, host(), APACHE)).toBe(before);
      expect(await apachePid()).toBe(pid);
      // Nothing is left of the staging: no temp copy, no mount in the host's namespace.
      expect((await lab.exec(host(), 'ls /tmp | grep -c provision-stage; grep -c " /usr/local/apache2" /proc/mounts')).stdout).toBe('0\n0');
    } finally {
      await moveBack('mod_proxy_ajp.so');
    }
  });

  it('health checks run through the real Apache: a member that does not answer is marked failed with no request sent', async () => {
    const members = [
      { host: '127.0.0.1', port: 8080, route: 'live', protocol: 'http' },
      { host: '127.0.0.1', port: 8099, route: 'dead', protocol: 'http' },
    ];
    const r = await cli(['-i', inventory, playbook({ name: 'hc', members, listen: 8000, health_check: { uri: '/', interval: 1 } })]);
    expect(r.code, r.out).toBe(0);
    const conf = (await lab.exec(host(), `cat ${APACHE}/conf/httpd.conf`)).stdout;
    expect(conf).toMatch(/^LoadModule proxy_hcheck_module modules\/mod_proxy_hcheck\.so$/m);
    // Poll balancer-manager (bounded) until the watchdog has checked both members.
    const page = await lab.exec(
      host(),
      'for i in $(seq 1 50); do p=$(curl -s http://127.0.0.1:8000/balancer-manager); ' +
        'case "$p" in *HcFl*) printf "%s" "$p"; exit 0;; esac; sleep 0.2; done; printf "%s" "$p"; exit 1',
    );
    expect(page.code, page.stdout).toBe(0);
    const row = (route: string) => page.stdout.split('<tr>').find((l) => l.includes(`<td>${route}</td>`)) ?? '';
    expect(row('dead')).toContain('HcFl');
    expect(row('live')).not.toContain('HcFl');
    expect(row('live')).toContain('Ok');
    const hits = await lab.exec(host(), 'for i in 1 2 3 4; do curl -s -o /dev/null -w "%{http_code} " http://127.0.0.1:8000/; done');
    expect(hits.stdout).toBe('200 200 200 200 ');
  });
});
