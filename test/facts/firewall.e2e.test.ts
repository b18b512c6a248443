/**
 * End to end: the firewall fact against a real firewalld in a lab host. Its answer (ports from one
 * D-Bus call and the zone's file; rich rules over D-Bus) must equal what firewall-cmd itself says,
 * in every state the fact reads differently: ports only at runtime or only in the permanent config,
 * a port range, a zone with no file under /etc, a rich rule, an unknown zone, firewalld stopped.
 * Each gather stays one round trip.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FactCache } from '../../src/facts/gather.ts';
import { fact, type FirewallFact } from '../../src/facts/types.ts';
import { connect, type Transport } from '../../src/transport/index.ts';
import { useLab } from '../helpers/lab.ts';

const lab = useLab({ profile: 'scale', hosts: 1, services: false });
let t: Transport;
let host = '';

beforeAll(async () => {
  const h = lab.info.hosts[0]!;
  host = h.name;
  t = await connect({
    name: h.name,
    host: h.ip,
    port: 22,
    user: 'root',
    privateKeyFile: lab.info.keyPath,
    become: false,
    hostKeyChecking: 'strict',
    knownHostsFile: lab.info.knownHostsPath,
  });
});
afterAll(async () => {
  await t?.close();
});

async function cmd(command: string): Promise<string> {
  const r = await lab.ssh(host, command);
  expect(r.code, `${command}: ${r.stderr}`).toBe(0);
  return r.stdout.trim();
}

const words = (s: string) => s.split(/\s+/).filter(Boolean).sort();

/** What firewall-cmd says about `zone` (one Python start per question: slow, and the ground truth). */
async function firewallCmd(zone: string): Promise<Omit<FirewallFact, 'installed'>> {
  const state = (await lab.ssh(host, 'firewall-cmd --state 2>&1')).stdout.trim();
  if (state !== 'running') return { running: false, permanent: [], runtime: [], richRules: [] };
  return {
    running: true,
    permanent: words(await cmd(`firewall-cmd --permanent --zone=${zone} --list-ports`)),
    runtime: words(await cmd(`firewall-cmd --zone=${zone} --list-ports`)),
    richRules: (await cmd(`firewall-cmd --permanent --zone=${zone} --list-rich-rules`)).split('\n').filter(Boolean).sort(),
  };
}

/** The fact, gathered the way a run does it: one script, one round trip. */
async function gathered(zone: string): Promise<FirewallFact> {
  const before = t.stats.roundTrips;
  const c = new FactCache(t, host);
  await c.gather([fact.firewall(zone)]);
  expect(t.stats.roundTrips - before).toBe(1);
  const f = c.get({ type: 'firewall', zone }) as FirewallFact;
  return { ...f, permanent: [...f.permanent].sort(), runtime: [...f.runtime].sort(), richRules: [...f.richRules].sort() };
}

describe('firewall fact against firewalld', () => {
  it('a zone as the lab made it', async () => {
    const f = await gathered('public');
    expect(f.installed).toBe(true);
    expect(f).toEqual({ installed: true, ...(await firewallCmd('public')) });
  });

  it('ports only at runtime, only permanent, and a range', async () => {
    await cmd('firewall-cmd --zone=public --add-port=7001/tcp');
    await cmd('firewall-cmd --permanent --zone=public --add-port=7002/udp');
    await cmd('firewall-cmd --permanent --zone=public --add-port=7100-7105/tcp');
    const f = await gathered('public');
    expect(f.runtime).toContain('7001/tcp');
    expect(f.permanent).not.toContain('7001/tcp');
    expect(f.permanent).toEqual(expect.arrayContaining(['7002/udp', '7100-7105/tcp']));
    expect(f).toEqual({ installed: true, ...(await firewallCmd('public')) });
  });

  it('a zone that has only its shipped file (no copy under /etc/firewalld), then one written by a change', async () => {
    expect((await lab.ssh(host, 'test -e /etc/firewalld/zones/work.xml')).code).not.toBe(0);
    expect(await gathered('work')).toEqual({ installed: true, ...(await firewallCmd('work')) });
    await cmd('firewall-cmd --permanent --zone=work --add-port=7200/tcp');
    const f = await gathered('work');
    expect(f.permanent).toContain('7200/tcp');
    expect(f).toEqual({ installed: true, ...(await firewallCmd('work')) });
  });

  it('a rich rule in the permanent config (read over D-Bus), with its ports', async () => {
    const rule = 'rule family="ipv4" source address="10.0.0.1" port port="8009" protocol="tcp" accept';
    await cmd(`firewall-cmd --permanent --zone=public --add-rich-rule='${rule}'`);
    const f = await gathered('public');
    expect(f.richRules).toEqual([rule]);
    // The rule's own port is not a zone port.
    expect(f.permanent).not.toContain('8009/tcp');
    expect(f).toEqual({ installed: true, ...(await firewallCmd('public')) });
  });

  it('a zone firewalld does not know: running, no ports (as before)', async () => {
    expect(await gathered('nosuchzone')).toEqual({ installed: true, running: true, permanent: [], runtime: [], richRules: [] });
  });

  it('firewalld stopped: installed, not running', async () => {
    // The host's own PID namespace: this is the lab host's firewalld only.
    await lab.exec(host, 'kill $(pidof -x firewalld) && for i in $(seq 50); do pidof -x firewalld >/dev/null || break; sleep 0.1; done');
    expect(await gathered('public')).toEqual({ installed: true, running: false, permanent: [], runtime: [], richRules: [] });
    // firewall-cmd says so on stderr, exit 252.
    const r = await lab.ssh(host, 'firewall-cmd --state');
    expect(`${r.stdout}${r.stderr}`.trim()).toBe('not running');
  });
});
