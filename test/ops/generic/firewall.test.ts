import { describe, expect, it } from 'vitest';
import { fact, type FirewallFact } from '../../../src/facts/types.ts';
import { firewallOp, type FirewallArgs } from '../../../src/ops/generic/firewall.ts';
import { absentFact, ctxWith, fileFact, planOp, schemaErrors } from './helpers.ts';

const fw = (over: Partial<FirewallFact> = {}): FirewallFact => ({
  installed: true,
  running: true,
  permanent: [],
  runtime: [],
  richRules: [],
  ...over,
});
const plan = (a: FirewallArgs, f: FirewallFact, vars = {}) =>
  planOp(firewallOp, a, [[fact.firewall(a.zone ?? 'public'), f]], ctxWith(vars));

describe('firewall', () => {
  it("opens the recipe's cluster ports missing from permanent or runtime, then reloads once", async () => {
    const p = await plan(
      { ports: ['45564/tcp', '45564/udp', '4000/tcp', '4001/tcp'] },
      fw({ permanent: ['45564/tcp', '4000/tcp'], runtime: ['45564/tcp'] }),
    );
    expect(p.changes).toEqual([
      { kind: 'firewall', zone: 'public', port: '45564/udp', state: 'present', summary: 'open 45564/udp in zone public' },
      {
        kind: 'firewall',
        zone: 'public',
        port: '4000/tcp',
        state: 'present',
        summary: 'open 4000/tcp in zone public (permanent and runtime differ)',
      },
      { kind: 'firewall', zone: 'public', port: '4001/tcp', state: 'present', summary: 'open 4001/tcp in zone public' },
      { kind: 'firewall-reload', summary: 'reload firewalld' },
    ]);
  });

  it('is ok (no reload) when every port is open in both configs', async () => {
    const p = await plan({ port: '4000/tcp', zone: 'internal' }, fw({ permanent: ['4000/tcp'], runtime: ['4000/tcp'] }));
    expect(p).toEqual({ changes: [], okMessage: '4000/tcp already open in zone internal (permanent and runtime)' });
  });

  it('closes ports still open in either config', async () => {
    const p = await plan({ port: '8080/tcp', state: 'disabled' }, fw({ runtime: ['8080/tcp'] }));
    expect(p.changes).toMatchObject([{ kind: 'firewall', port: '8080/tcp', state: 'absent' }, { kind: 'firewall-reload' }]);
    expect((await plan({ port: '8080/tcp', state: 'disabled' }, fw())).changes).toEqual([]);
  });

  it('limits to a source with a rich rule, read from the permanent rich rules', async () => {
    const a: FirewallArgs = { port: '4000/tcp', source: '10.0.0.0/24' };
    const open = await plan(a, fw({ permanent: ['4000/tcp'], runtime: ['4000/tcp'] }));
    expect(open.changes[0]).toEqual({
      kind: 'firewall',
      zone: 'public',
      port: '4000/tcp',
      state: 'present',
      source: '10.0.0.0/24',
      summary: 'open 4000/tcp from 10.0.0.0/24',
    });
    const rule = 'rule family="ipv4" source address="10.0.0.0/24" port port="4000" protocol="tcp" accept';
    expect((await plan(a, fw({ richRules: [rule] }))).changes).toEqual([]);
  });

  it('fails with a hint when firewalld is missing or stopped', async () => {
    await expect(plan({ port: '80/tcp' }, fw({ installed: false, running: false }))).rejects.toMatchObject({
      message: 'firewalld is not installed on web1',
      hint: expect.stringContaining('firewall_backend: none'),
    });
    await expect(plan({ port: '80/tcp' }, fw({ running: false }))).rejects.toMatchObject({
      message: 'firewalld is not running on web1',
      hint: expect.stringContaining('state: started'),
    });
  });

  it('firewall_backend: none turns it off without reading any fact', async () => {
    expect(firewallOp.facts({ port: '80/tcp' }, ctxWith({ firewall_backend: 'none' }))).toEqual([]);
    const p = await planOp(firewallOp, { port: '80/tcp' }, [], ctxWith({ firewall_backend: 'none' }));
    expect(p).toEqual({ changes: [], okMessage: 'firewall_backend is none on web1: ports 80/tcp not managed' });
  });

  it('schema: a port is needed and must look like 4000/tcp', () => {
    expect(schemaErrors(firewallOp, { zone: 'public' })).not.toBeNull();
    expect(schemaErrors(firewallOp, { port: '4000' })).not.toBeNull();
    // ansible.posix.firewalld's flags: provision always does both, so only true is accepted.
    expect(schemaErrors(firewallOp, { port: '4000/tcp', permanent: true, immediate: true })).toBeNull();
    expect(schemaErrors(firewallOp, { port: '4000/tcp', permanent: false })).not.toBeNull();
    expect(schemaErrors(firewallOp, { port: '4000/tcp', immediate: false })).not.toBeNull();
    expect(schemaErrors(firewallOp, { port: '4000/tcp', source: '10.0.0.1; reboot' })).not.toBeNull();
    expect(schemaErrors(firewallOp, { port: '4000/tcp', source: 'fe80::1' })).not.toBeNull();
    expect(schemaErrors(firewallOp, { port: '4000/tcp', source: '10a0b0c1' })).not.toBeNull();
    expect(
      schemaErrors(firewallOp, { ports: ['4000/tcp', '45564/udp'], zone: 'public', state: 'enabled', source: '192.168.1.0/24' }),
    ).toBeNull();
  });

  describe('managed: closes what it opened before and no longer asks for, nothing else', () => {
    const STATE = '/var/lib/provision/managed.firewall.tomcat-cluster.public.json';
    const record = (ports: string[]) => `${JSON.stringify({ managedBy: 'provision', task: 'tomcat-cluster', zone: 'public', ports })}\n`;
    const managed = (a: FirewallArgs, f: FirewallFact, recorded: string[] | null) =>
      planOp(firewallOp, { ...a, managed: 'tomcat-cluster' }, [
        [fact.firewall('public'), f],
        [fact.file(STATE, true), recorded ? fileFact(STATE, record(recorded)) : absentFact(STATE)],
      ]);
    const open = ['80/tcp', '4000/tcp', '45564/udp', '45564/tcp'];

    it('a changed multicast port: the old ports close, the new open, the record follows; 80/tcp (not ours) stays', async () => {
      const p = await managed({ ports: ['4000/tcp', '45600/udp'] }, fw({ permanent: open, runtime: open }), [
        '4000/tcp',
        '45564/tcp',
        '45564/udp',
      ]);
      expect(p.changes.map((c) => c.summary)).toEqual([
        'open 45600/udp in zone public',
        'close 45564/tcp in zone public (opened by an earlier run of "tomcat-cluster", no longer asked for)',
        'close 45564/udp in zone public (opened by an earlier run of "tomcat-cluster", no longer asked for)',
        `record the ports of "tomcat-cluster" in ${STATE}`,
        'reload firewalld',
      ]);
      const w = p.changes[3]!;
      expect(w.kind === 'write' && w.content.toString()).toBe(record(['4000/tcp', '45600/udp']));
    });

    it('first run: records what it asks for and closes nothing; a rerun is ok', async () => {
      const first = await managed({ ports: ['4000/tcp'] }, fw({ permanent: open, runtime: open }), null);
      expect(first.changes.map((c) => c.kind)).toEqual(['write']);
      const again = await managed({ ports: ['4000/tcp'] }, fw({ permanent: open, runtime: open }), ['4000/tcp']);
      expect(again.changes).toEqual([]);
    });

    it('a port it recorded but that is closed already is not closed again', async () => {
      const p = await managed({ ports: ['4000/tcp'] }, fw({ permanent: ['4000/tcp'], runtime: ['4000/tcp'] }), ['4000/tcp', '45564/udp']);
      expect(p.changes.map((c) => c.kind)).toEqual(['write']);
    });
  });
});
