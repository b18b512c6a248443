import { describe, expect, it } from 'vitest';
import { tomcatCluster, type TomcatClusterArgs } from '../../../src/ops/tomcat/cluster-op.ts';
import { HOSTNAME_ADDRESS } from '../../../src/ops/tomcat/loopback-trap.ts';
import { ctx, fixture, MapFacts, noContextFiles } from './facts.ts';
import { explodedAppsRequest } from '../../../src/ops/tomcat/webapps-fact.ts';

const SERVER = fixture('server-10.1.xml');
const SERVER2 = fixture('server-10.1.instance2.golden.xml');
const INSTANCES = [
  { home: '/opt/tomcat', jvmRoute: 'tomcat1' },
  { home: '/opt/tomcat2', jvmRoute: 'tomcat2' },
];
const HOMES = INSTANCES.map((i) => i.home);
/** web1's name resolves to its real address (`auto` receivers are fine) unless `resolved` says otherwise. */
const facts = (s1 = SERVER, s2 = SERVER2, resolved = 'web1 10.0.0.11') =>
  new MapFacts(
    { '/opt/tomcat/conf/server.xml': s1, '/opt/tomcat2/conf/server.xml': s2, ...noContextFiles(HOMES) },
    { [HOSTNAME_ADDRESS]: resolved, ...Object.fromEntries(HOMES.map((h) => [explodedAppsRequest(h).command, ''])) },
  );
const plan = (args: TomcatClusterArgs, f = facts(), c = ctx('web1', { tomcat_instances: INSTANCES })) =>
  (async () => tomcatCluster.plan(args, f, c))();

describe('tomcat_cluster', () => {
  it('puts a cluster in both instances of a host with receivers 4000 and 4001, then changes nothing', async () => {
    const p = await plan({ version: '10.1' });
    expect(p.changes).toHaveLength(2);
    const texts = p.changes.map((c) => (c.kind === 'write' ? c.content.toString() : ''));
    expect(texts[0]).toMatch(/jvmRoute="tomcat1"[\s\S]*<Receiver [^>]*port="4000"/);
    expect(texts[1]).toMatch(/jvmRoute="tomcat2"[\s\S]*<Receiver [^>]*port="4001"/);
    expect(texts[0]).toBe(fixture('server-10.1.cluster-mcast.golden.xml'));
    const again = await plan({ version: '10.1' }, facts(texts[0], texts[1]));
    expect(again.changes).toEqual([]);
  });

  it('reads the instances from the task when given, and the version from the fact', async () => {
    expect(tomcatCluster.facts({ instances: ['/opt/tomcat'] }, ctx()).map((r) => r.type)).toEqual([
      ...['file', 'command', 'command'],
      ...['file', 'file', 'command', 'command'], // the traps: context.xml, context.xml.default, hand-deployed apps, version
    ]);
    await expect(plan({ instances: ['/opt/tomcat'], version: '10.1' })).rejects.toThrow(/has no jvmRoute/);
  });

  it('refuses the same jvmRoute on one host, or on another host of the play', async () => {
    const dup = [INSTANCES[0]!, { ...INSTANCES[1]!, jvmRoute: 'tomcat1' }];
    await expect(plan({ instances: dup, version: '10.1' })).rejects.toThrow(/jvmRoute tomcat1 is used by \/opt\/tomcat and \/opt\/tomcat2/);
    const hostvars = {
      web1: { tomcat_instances: [INSTANCES[0]] },
      web2: { tomcat_instances: [{ home: '/opt/tomcat', jvmRoute: 'tomcat1' }] },
    };
    await expect(plan({ version: '10.1' }, facts(), ctx('web1', hostvars.web1, hostvars))).rejects.toThrow(
      /tomcat1 is used on web1 .* and on web2/,
    );
  });

  it('refuses two instances with the same receiver, HTTP or AJP port on one host, before any change', async () => {
    const sameRx = INSTANCES.map((i) => ({ ...i, receiverPort: 4000 }));
    await expect(plan({ instances: sameRx, version: '10.1' })).rejects.toThrow(
      /port 4000 is used by \/opt\/tomcat \(cluster receiver\) and by \/opt\/tomcat2 \(cluster receiver\)/,
    );
    await expect(plan({ version: '10.1' }, facts(SERVER, SERVER))).rejects.toThrow(
      /port 8080 is used by \/opt\/tomcat \(HTTP\) and by \/opt\/tomcat2 \(HTTP\)/,
    );
    const ajpClash = SERVER2.replace('port="8010"', 'port="8081"');
    await expect(plan({ version: '10.1' }, facts(SERVER, ajpClash))).rejects.toThrow(
      /port 8081 is used by \/opt\/tomcat2 \(HTTP\) and by \/opt\/tomcat2 \(AJP\)/,
    );
  });

  it('refuses a receiver on loopback: `auto` where /etc/hosts maps the hostname to 127.0.1.1 (Vagrant), or 127.0.0.1', async () => {
    const vagrant = plan({ version: '10.1' }, facts(SERVER, SERVER2, 'web1 127.0.1.1'));
    await expect(vagrant).rejects.toThrow(
      /\/opt\/tomcat\/conf\/server.xml on web1: the cluster receiver address "auto" is the address of the hostname web1, /,
    );
    await expect(plan({ version: '10.1' }, facts(SERVER, SERVER2, 'web1 127.0.1.1'))).rejects.toThrow(
      /which \/etc\/hosts maps to 127\.0\.1\.1 \(loopback\)/,
    );
    await expect(plan({ version: '10.1' }, facts(SERVER, SERVER2, 'web1 127.0.1.1'))).rejects.toMatchObject({
      hint: expect.stringMatching(/set cluster_address/),
    });
    await expect(plan({ version: '10.1', cluster: { receiver: { address: '127.0.0.1' } } })).rejects.toThrow(
      /the cluster receiver would listen on 127\.0\.0\.1, a loopback address/,
    );
    // A real address needs no lookup: no fact is asked for.
    const withAddress = tomcatCluster.facts({ instances: ['/opt/tomcat'], cluster: { receiver: { address: '10.0.0.11' } } }, ctx());
    expect(withAddress.map((r) => r.type)).toEqual(['file', 'command', 'file', 'file', 'command', 'command']);
  });

  it('static membership: each receiver must be a listed member', async () => {
    const members = [
      { host: '10.0.0.11', port: 4000 },
      { host: '10.0.0.11', port: 4001 },
    ];
    await expect(plan({ version: '10.1', cluster: { members } })).rejects.toThrow(/receiver auto:4000 is not in the static member list/);
    const p = await plan({ version: '10.1', cluster: { members, receiver: { address: '10.0.0.11' } } });
    const t = p.changes[1]!.kind === 'write' ? p.changes[1]!.content.toString() : '';
    expect(t).toContain('<Receiver className="org.apache.catalina.tribes.transport.nio.NioReceiver" address="10.0.0.11" port="4001"');
    expect(t.match(/<Member /g)).toHaveLength(2);
  });
});
