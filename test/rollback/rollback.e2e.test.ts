/**
 * Rollback end to end on two lab hosts (real sshd, firewalld, Apache): a run that touches Tomcat's
 * and Apache's trees, copies a second Tomcat, opens ports and restarts Apache is undone byte for
 * byte; rolling back twice does nothing; a hand edit blocks rollback until --force; two runs (or a
 * run and a rollback) on one host: one proceeds, the other is refused naming the holder.
 */
import { hostname, userInfo } from 'node:os';
import { beforeAll, describe, expect, it } from 'vitest';
import { LockError } from '../../src/core/errors.ts';
import { useLab } from '../helpers/lab.ts';
import { apache, rollback, run, SITE, sleepPlaybook, snapshot, startApache } from './helpers.ts';

const lab = useLab({ profile: 'scale', hosts: 2, services: false });
const pristine = new Map<string, string>();
let inventory: string;

beforeAll(async () => {
  inventory = lab.info.inventoryPath;
  for (const h of lab.hosts) {
    await startApache(lab, h);
    pristine.set(h, await snapshot(lab, h));
  }
}, 60_000);

describe('rollback on lab hosts', () => {
  it('run → rollback: every byte, mode and owner back, created trees gone, ports closed, Apache on its old config', async () => {
    const r = await run(inventory, SITE);
    expect(r.exitCode, r.failures).toBe(0);
    for (const h of lab.hosts) {
      expect((await lab.exec(h, 'test -d /opt/tomcat2/conf/pv.d')).code).toBe(0);
      expect(await apache(lab, h)).toEqual({ running: true, ports: ['80', '8081'] });
      expect(await snapshot(lab, h)).toContain('runtime ports: 4000/tcp 45564/udp');
    }
    const after = await snapshot(lab, lab.hosts[0]!);

    const check = await rollback(inventory, { check: true });
    expect(check.exitCode).toBe(0);
    expect(check.hosts.map((x) => x.outcome)).toEqual(['planned', 'planned']);
    expect(check.hosts[0]!.items.map((i) => i.text)).toContain('undo "run cp -a /opt/tomcat /opt/tomcat2": rm -rf /opt/tomcat2');
    expect(await snapshot(lab, lab.hosts[0]!)).toBe(after);
    expect((await lab.exec(lab.hosts[0]!, 'test -e /var/lib/provision/lock')).code).toBe(1);

    const rb = await rollback(inventory);
    expect(rb.exitCode, JSON.stringify(rb.hosts.map((x) => x.items))).toBe(0);
    expect(rb.target).toBe(r.runId);
    for (const h of lab.hosts) {
      expect(await snapshot(lab, h)).toBe(pristine.get(h));
      expect((await lab.exec(h, 'test -e /opt/tomcat2')).code).toBe(1);
      expect(await apache(lab, h)).toEqual({ running: true, ports: ['80'] });
      expect((await lab.exec(h, 'test -e /var/lib/provision/lock')).code).toBe(1);
    }
  });

  it('rolling back an already rolled-back run does nothing and says so', async () => {
    const again = await rollback(inventory);
    expect(again.exitCode).toBe(0);
    for (const x of again.hosts) {
      expect(x.outcome).toBe('nothing');
      expect(x.message).toBe(`nothing to do: run ${again.target} was already rolled back`);
    }
    for (const h of lab.hosts) expect(await snapshot(lab, h)).toBe(pristine.get(h));
  });

  it('a file edited by hand after the run is not overwritten without --force; it is shown as a diff', async () => {
    const h = lab.hosts[0]!;
    const r = await run(inventory, SITE, { limit: h });
    expect(r.exitCode, r.failures).toBe(0);
    await lab.exec(h, "echo 'hand.edit=1' >> /opt/tomcat/conf/catalina.properties");
    const edited = await snapshot(lab, h);

    const refused = await rollback(inventory, { limit: h });
    expect(refused.exitCode).toBe(2);
    const x = refused.hosts[0]!;
    expect(x.outcome).toBe('drift');
    expect(x.message).toContain('/opt/tomcat/conf/catalina.properties');
    expect(x.message).toContain('--force');
    expect(x.diffs).toHaveLength(1);
    expect(x.diffs[0]!.before).toContain('hand.edit=1');
    expect(x.diffs[0]!.after).not.toContain('pv.rollback.test=1');
    expect(await snapshot(lab, h)).toBe(edited);
    expect((await lab.exec(h, 'test -e /var/lib/provision/lock')).code).toBe(1);

    const forced = await rollback(inventory, { limit: h, force: true });
    expect(forced.exitCode, JSON.stringify(forced.hosts[0]!.items)).toBe(0);
    expect(await snapshot(lab, h)).toBe(pristine.get(h));
  });

  it('two runs on one host at once: exactly one proceeds, the other is refused naming the holder', async () => {
    const h = lab.hosts[1]!;
    const pb = sleepPlaybook(3);
    const [a, b] = await Promise.all([run(inventory, pb, { limit: h }), run(inventory, pb, { limit: h })]);
    const winner = a.exitCode === 0 ? a : b;
    const loser = a.exitCode === 0 ? b : a;
    expect([a.exitCode, b.exitCode].sort()).toEqual([0, 2]);
    expect(loser.failures).toContain(`locked by another run in progress (run ${winner.runId} by ${userInfo().username} from ${hostname()}, since 20`);
    expect(loser.recap[h]).toMatchObject({ changed: 0, failed: 1 });
  });

  it('a rollback during a run is refused with the run as holder, and changes nothing', async () => {
    const h = lab.hosts[1]!;
    const running = run(inventory, sleepPlaybook(4), { limit: h });
    // The run takes the lock while it gathers facts; wait until it holds it (bounded).
    for (let i = 0; i < 40 && (await lab.exec(h, 'test -e /var/lib/provision/lock/holder')).code !== 0; i++) await new Promise((r) => setTimeout(r, 100));
    const rb = await rollback(inventory, { limit: h });
    const r = await running;
    expect(r.exitCode, r.failures).toBe(0);
    expect(rb.exitCode).toBe(2);
    expect(rb.hosts).toEqual([]);
    expect(rb.errors[0]!.error).toBeInstanceOf(LockError);
    expect(rb.errors[0]!.error.message).toContain(`locked by another run in progress (run ${r.runId} by `);
    expect(await snapshot(lab, h)).toBe(pristine.get(h));
  });
});
