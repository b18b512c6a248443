/**
 * The multi-host topology with static membership (members listed from the inventory, for networks
 * without multicast): the cluster forms and a session survives the loss of its Tomcat.
 */
import { describe, expect, it } from 'vitest';
import { useLab } from '../helpers/lab.ts';
import { cli, CounterClient } from '../helpers/recipe.ts';

const lab = useLab({ profile: 'multi' });
const inv = () => lab.info.inventoryPath;

describe('multi-host cluster, static membership', () => {
  it('writes StaticMember elements, the cluster forms, and a session survives its Tomcat', async () => {
    const r = await cli(['-i', inv(), '-e', 'cluster_membership=static']);
    expect(r.code, r.out).toBe(0);
    const apps = lab.info.hosts.filter((h) => h.groups.includes('tomcat'));
    const xml = await lab.exec(apps[0]!.name, 'cat /opt/tomcat/conf/server.xml');
    expect(xml.stdout).toContain('StaticMembershipService');
    for (const a of apps) expect(xml.stdout).toContain(`host="${a.ip}"`);

    let v = await cli(['verify', '-i', inv()]);
    for (let i = 0; i < 15 && v.code !== 0; i++) {
      await new Promise((ok) => setTimeout(ok, 2000));
      v = await cli(['verify', '-i', inv()]);
    }
    expect(v.code, v.out).toBe(0);

    const web = lab.info.hosts.find((h) => h.groups.includes('apache'))!;
    const client = new CounterClient(`http://${web.ip}/counter/`);
    const counts = [await client.hit(), await client.hit(), await client.hit()];
    expect(counts.map((c) => c.count)).toEqual([1, 2, 3]);
    const route = counts[2]!.route;
    const holder = apps[Number(route.replace('tomcat', '')) - 1]!;
    expect((await lab.exec(holder.name, "pkill -9 -f -- '-Dcatalina[.]base=/opt/tomcat '")).code).toBe(0);
    const after = await client.hit();
    expect(after.count).toBe(4);
    expect(after.route).not.toBe(route);
  });
});
