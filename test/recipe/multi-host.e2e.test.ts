/**
 * The multi-host topology (Apache on web1, one Tomcat on each of app1 and app2) with multicast
 * membership: the firewall step is what lets membership form; a session survives its host's Tomcat.
 */
import { describe, expect, it } from 'vitest';
import { useLab } from '../helpers/lab.ts';
import { cli, CounterClient } from '../helpers/recipe.ts';
import { verifyUntilOk } from '../helpers/rolling.ts';

const lab = useLab({ profile: 'multi' });
const inv = () => lab.info.inventoryPath;
const web = () => lab.info.hosts.find((h) => h.groups.includes('apache'))!;
const appOf = (route: string) => lab.info.hosts.filter((h) => h.groups.includes('tomcat'))[Number(route.replace('tomcat', '')) - 1]!;

describe('multi-host cluster, multicast membership', () => {
  it('with the cluster ports closed by firewalld, membership does not form', async () => {
    // The second Tomcat starts but never joins: the run says so with a clear timeout.
    const r = await cli(['-i', inv(), '--skip-tags', 'firewall', '-e', 'tomcat_start_timeout=20']);
    expect(r.code, r.out).toBe(2);
    // It started alone while tomcat1 ran: it fails at once (no 20 s wait), names itself and says why.
    expect(r.out).toMatch(/tomcat tomcat2 failed to start: its log since the start matches .*skipping state transfer/);
    expect(r.out).toMatch(/skipping state transfer\. No members active in cluster group/);
    expect(r.out).toMatch(/hint: it saw no other cluster member although one runs: open the membership and receiver ports/);
    const v = await cli(['verify', '-i', inv()]);
    expect(v.code).not.toBe(0);
    expect(v.out).toMatch(/members\s+tomcat1 \S+\s+FAILED\s+does not see/);
    expect(v.out).toMatch(/members\s+tomcat2 \S+\s+FAILED\s+does not see/);
  });

  it('after the full run (ports opened), membership forms and verify passes', async () => {
    const r = await cli(['-i', inv(), '--json']);
    expect(r.code, r.out).toBe(0);
    for (const h of lab.info.hosts.filter((x) => x.groups.includes('tomcat'))) {
      const fw = await lab.exec(h.name, 'firewall-cmd --list-ports');
      expect(fw.stdout.split(/\s+/)).toEqual(expect.arrayContaining(['45564/udp', '4000/tcp', '8009/tcp']));
    }
    const v = await verifyUntilOk(inv());
    expect(v.code, v.out).toBe(0);
  });

  it('a session survives the loss of the Tomcat host that holds it', async () => {
    const client = new CounterClient(`http://${web().ip}/counter/`);
    const counts = [await client.hit(), await client.hit(), await client.hit()];
    expect(counts.map((c) => c.count)).toEqual([1, 2, 3]);
    const route = counts[2]!.route;
    expect((await lab.exec(appOf(route).name, "pkill -9 -f -- '-Dcatalina[.]base=/opt/tomcat '")).code).toBe(0);
    const after = await client.hit();
    expect(after).toMatchObject({ count: 4 });
    expect(after.route).not.toBe(route);
  });
});
