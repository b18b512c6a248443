/**
 * Membership that never forms: the network does not pass multicast (a rule in each Tomcat host's
 * own network namespace drops the heartbeats to 228.0.0.4 as they arrive, as a switch or a cloud
 * without multicast does), with every port open. The first run and a rolling restart each stop at
 * the instance that found itself alone, say why and name the fix (static membership), and put
 * the failed host's files back.
 */
import { describe, expect, it } from 'vitest';
import { useLab } from '../helpers/lab.ts';
import { checksums, cli } from '../helpers/recipe.ts';
import { verifyUntilOk } from '../helpers/rolling.ts';

const lab = useLab({ profile: 'multi' });
const inv = () => lab.info.inventoryPath;
const apps = () => lab.info.hosts.filter((h) => h.groups.includes('tomcat')).map((h) => h.name);

/** Drop (or stop dropping) multicast heartbeats arriving at every Tomcat host; firewalld's reloads leave this table alone. */
async function blockMulticast(on: boolean): Promise<void> {
  const cmd = on
    ? 'nft add table inet pvtest && nft add chain inet pvtest in "{ type filter hook input priority -10; }" && ' +
      'nft add rule inet pvtest in ip daddr 228.0.0.4 udp dport 45564 drop'
    : 'nft delete table inet pvtest';
  for (const h of apps()) expect((await lab.exec(h, cmd)).code, `${on ? 'block' : 'unblock'} multicast on ${h}`).toBe(0);
}

const HINT = new RegExp(
  'hint: it saw no other cluster member although one runs: open the membership and receiver ports between the members ' +
    '\\(firewall\\), check that multicast passes on this network, or use static membership \\(cluster_membership: static\\)',
);

describe('multicast blocked between the Tomcat hosts', () => {
  it('first run: the second member finds itself alone, the run names the fix, and its host is put back', async () => {
    await blockMulticast(true);
    const [app1, app2] = apps() as [string, string];
    const before = await checksums(lab, app2);
    const r = await cli(['-i', inv(), '-e', 'tomcat_start_timeout=60']);
    expect(r.code, r.out).toBe(2);
    expect(r.out).toMatch(new RegExp(`fatal: \\[${app2}\\] \\(item=tomcat2\\): FAILED! => tomcat2: start tomcat tomcat2`));
    expect(r.out).toMatch(/skipping state transfer\. No members active in cluster group/);
    expect(r.out).toMatch(HINT);
    expect(r.out).toContain(`[${app2}] failed: put back where this run found it (rolled back run `);
    expect(await checksums(lab, app2)).toBe(before);
    // The first member did not fail: it keeps the run's changes and runs with the cluster.
    expect((await lab.exec(app1, 'grep -c SimpleTcpCluster /opt/tomcat/conf/server.xml')).stdout.trim()).toBe('1');
  });

  it('with multicast passing again, the rerun forms the cluster', async () => {
    await blockMulticast(false);
    const r = await cli(['-i', inv()]);
    expect(r.code, r.out).toBe(0);
    const v = await verifyUntilOk(inv());
    expect(v.code, v.out).toBe(0);
  });

  it('a rolling restart with multicast blocked stops at the first instance, names the fix, and puts its host back', async () => {
    await blockMulticast(true);
    const [app1, app2] = apps() as [string, string];
    const before = await checksums(lab, app1);
    const other = await checksums(lab, app2);
    const r = await cli(['-i', inv(), '-e', 'cluster_channel_send_options=8', '-e', 'tomcat_start_timeout=60']);
    expect(r.code, r.out).toBe(2);
    expect(r.out).toMatch(new RegExp(`fatal: \\[${app1}\\] \\(item=tomcat1\\): FAILED! => tomcat1: start tomcat tomcat1`));
    expect(r.out).toMatch(/skipping state transfer\. No members active in cluster group/);
    expect(r.out).toMatch(HINT);
    expect(r.out).toMatch(/the roll stopped at tomcat1 on \S+: not restarted, still serving with their old files: tomcat2 on /);
    // Put back: its files byte for byte, and it runs with them (alone until multicast passes again).
    expect(r.out).toContain(`[${app1}] failed: put back where this run found it (rolled back run `);
    expect(await checksums(lab, app1)).toBe(before);
    expect((await lab.exec(app1, "pgrep -f -- '-Dcatalina[.]base=/opt/tomcat '")).code).toBe(0);
    expect(await checksums(lab, app2)).toBe(other);
    // Once multicast passes, membership forms again by itself.
    await blockMulticast(false);
    const v = await verifyUntilOk(inv());
    expect(v.code, v.out).toBe(0);
  });

  it('a host that refuses to send multicast (a local rule on its output): the cluster cannot start, the hint says so', async () => {
    const [app1] = apps() as [string, string];
    const out =
      'nft add table inet pvout && nft add chain inet pvout out "{ type filter hook output priority -10; }" && ' +
      'nft add rule inet pvout out ip daddr 228.0.0.4 drop';
    expect((await lab.exec(app1, out)).code).toBe(0);
    try {
      const before = await checksums(lab, app1);
      const r = await cli(['-i', inv(), '-e', 'cluster_channel_send_options=8', '-e', 'tomcat_start_timeout=60']);
      expect(r.code, r.out).toBe(2);
      // Tomcat refuses to start (its cluster cannot send): found at once in its log, not after the timeout.
      expect(r.out).toMatch(/tomcat tomcat1 failed to start: its log since the start matches .*Unable to start cluster/);
      expect(r.out).toMatch(/java\.net\.SocketException: Operation not permitted/);
      expect(r.out).toMatch(
        /hint: its cluster could not send: this host refuses the packets \(a local firewall rule dropping outgoing multicast, .*/,
      );
      expect(r.out).toMatch(
        /outgoing multicast, e\.g\. to 228\.0\.0\.4\): allow them, or use static membership \(cluster_membership: static\)/,
      );
      // Its files are put back byte for byte; started with them it cannot send either, and the output says that too.
      expect(await checksums(lab, app1)).toBe(before);
      expect(r.out).toMatch(
        new RegExp(`\\[${app1}\\] failed, and putting it back where this run found it failed too: .*it failed at: start`),
      );
    } finally {
      await lab.exec(app1, 'nft delete table inet pvout');
    }
  });
});
