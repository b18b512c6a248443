/**
 * Rollback end to end on two lab hosts (real sshd, firewalld, Apache): a run that touches Tomcat's
 * and Apache's trees, copies a second Tomcat, opens ports and restarts Apache is undone byte for
 * byte; rolling back twice does nothing; a hand edit blocks rollback until --force; two runs (or a
 * run and a rollback) on one host: one proceeds, the other is refused naming the holder.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Command } from 'commander';
import { historyCommand } from '../../src/cli/history-command.ts';
import { rollbackCommand } from '../../src/cli/rollback-command.ts';
import { LockError } from '../../src/core/errors.ts';
import { pruneScript } from '../../src/host/retention.ts';
import { withHosts } from '../../src/journal/hosts.ts';
import { rollbackHost } from '../../src/journal/rollback.ts';
import { useLab } from '../helpers/lab.ts';
import { expectValidOutput } from '../helpers/schema.ts';
import { apache, cutPlaybook, rollback, run, SITE, sleepPlaybook, snapshot, startApache } from './helpers.ts';

const lab = useLab({ profile: 'scale', hosts: 2, services: false });
const pristine = new Map<string, string>();
let inventory: string;

/** Run a CLI subcommand as a user would and capture what it prints and its exit code. */
async function cli(cmd: Command, args: string[]): Promise<{ out: string; code: number }> {
  const chunks: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((s: string) => chunks.push(String(s)) > 0) as typeof process.stdout.write;
  try {
    await cmd.exitOverride().parseAsync(['node', cmd.name(), '-i', inventory, ...args]);
  } finally {
    process.stdout.write = write;
  }
  const code = Number(process.exitCode ?? 0);
  process.exitCode = 0;
  return { out: chunks.join(''), code };
}

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
    await lab.exec(h, "echo 'hand.edit=1 Hunter2-Secret-99' >> /opt/tomcat/conf/catalina.properties");
    const edited = await snapshot(lab, h);
    // The same hosts, with a secret variable: its value must be masked in the diff.
    const inv = parse(readFileSync(inventory, 'utf8'));
    inv.all.vars = { ...inv.all.vars, db_password: 'Hunter2-Secret-99' };
    const secretInventory = join(mkdtempSync(join(tmpdir(), 'pv-rb-')), 'hosts.yml');
    writeFileSync(secretInventory, stringify(inv));

    const refused = await rollback(secretInventory, { limit: h });
    expect(refused.exitCode).toBe(2);
    const x = refused.hosts[0]!;
    expect(x.outcome).toBe('drift');
    expect(x.message).toContain('/opt/tomcat/conf/catalina.properties');
    expect(x.message).toContain('--force');
    expect(x.diffs).toHaveLength(1);
    expect(x.diffs[0]!.before).toContain('hand.edit=1 ********');
    expect(JSON.stringify(refused)).not.toContain('Hunter2-Secret-99');
    expect(x.diffs[0]!.after).not.toContain('pv.rollback.test=1');
    expect(await snapshot(lab, h)).toBe(edited);
    expect((await lab.exec(h, 'test -e /var/lib/provision/lock')).code).toBe(1);

    const forced = await rollback(inventory, { limit: h, force: true });
    expect(forced.exitCode, JSON.stringify(forced.hosts[0]!.items)).toBe(0);
    expect(await snapshot(lab, h)).toBe(pristine.get(h));
  });

  it('a failed run: rollbackHost (what --rollback-on-failure calls) restores pristine bytes', async () => {
    const h = lab.hosts[0]!;
    const failed = await run(inventory, cutPlaybook(7, 'echo task failed on purpose >&2; exit 1'), { limit: h });
    expect(failed.exitCode).toBe(2);
    expect(await snapshot(lab, h)).not.toBe(pristine.get(h));
    const r = await withHosts({ inventory, limit: h }, ([x]) => rollbackHost(x!.transport!, h, failed.runId));
    expect(r.outcome, JSON.stringify(r.items)).toBe('rolled-back');
    expect(r.plan.runs).toEqual([failed.runId]);
    expect(await snapshot(lab, h)).toBe(pristine.get(h));
  });

  it('two runs on one host at once: exactly one proceeds, the other is refused naming the holder', async () => {
    const h = lab.hosts[1]!;
    const pb = sleepPlaybook(3);
    const [a, b] = await Promise.all([run(inventory, pb, { limit: h }), run(inventory, pb, { limit: h })]);
    const winner = a.exitCode === 0 ? a : b;
    const loser = a.exitCode === 0 ? b : a;
    expect([a.exitCode, b.exitCode].sort()).toEqual([0, 2]);
    expect(loser.failures).toContain(
      `locked by another run in progress (run ${winner.runId} by ${userInfo().username} from ${hostname()}, since 20`,
    );
    expect(loser.recap[h]).toMatchObject({ changed: 0, failed: 1 });
  });

  it('a rollback during a run is refused with the run as holder, and changes nothing', async () => {
    const h = lab.hosts[1]!;
    const running = run(inventory, sleepPlaybook(4), { limit: h });
    // The run takes the lock while it gathers facts; wait until it holds it (bounded).
    for (let i = 0; i < 40 && (await lab.exec(h, 'test -e /var/lib/provision/lock/holder')).code !== 0; i++)
      await new Promise((r) => setTimeout(r, 100));
    const rb = await rollback(inventory, { limit: h });
    const r = await running;
    expect(r.exitCode, r.failures).toBe(0);
    expect(rb.exitCode).toBe(2);
    expect(rb.hosts).toEqual([]);
    expect(rb.errors[0]!.error).toBeInstanceOf(LockError);
    expect(rb.errors[0]!.error.message).toContain(`locked by another run in progress (run ${r.runId} by `);
    expect(await snapshot(lab, h)).toBe(pristine.get(h));
  });

  it('history lists every run per host with user, playbook, changes and status; the CLI prints it', async () => {
    const { out, code } = await cli(historyCommand(), ['--json']);
    expect(code).toBe(0);
    const doc = JSON.parse(out) as {
      hosts: Record<string, { runs: { id: string; status: string; user: string; playbook: string; changed: number }[] }>;
    };
    expectValidOutput(doc, 'history --json');
    const [h1, h2] = lab.hosts as [string, string];
    // Newest first, as the text. h1: the shared run, the drift run and the failed run, all rolled back.
    // h2: the shared run, then the two sleep runs that got the lock.
    expect(doc.hosts[h1]!.runs.map((r) => r.status)).toEqual(['rolled-back', 'rolled-back', 'rolled-back']);
    expect(doc.hosts[h2]!.runs.map((r) => r.status)).toEqual(['complete', 'complete', 'rolled-back']);
    expect(doc.hosts[h2]!.runs.at(-1)).toMatchObject({ user: userInfo().username, playbook: SITE, changed: 11 });
    const text = await cli(historyCommand(), ['--limit', h2]);
    expect(text.out).toContain(`${h2}:`);
    expect(text.out).not.toContain(`${h1}:`);
    expect(text.out).toMatch(/changed=1 {2}complete/);
  });

  it('the rollback CLI: --check lists the steps; a run id the host does not have is nothing to do', async () => {
    const h = lab.hosts[1]!;
    const check = await cli(rollbackCommand(), ['--check', '--limit', h]);
    expect(check.code).toBe(0);
    expect(check.out).toContain(`${h}: would roll back run `);
    expect(check.out).toContain(
      'note   cannot undo "run sleep 4 (no creates/removes/unless guard: runs on every run)": the task gave no undo command',
    );
    const none = await cli(rollbackCommand(), ['--run', 'no-such-run', '--limit', h]);
    expect(none.code).toBe(0);
    expect(none.out).toContain(`${h}: nothing to do: run no-such-run made no change on this host (or was pruned)`);
  });

  it('retention prunes the oldest runs, never the newest', async () => {
    const h = lab.hosts[1]!;
    const ls = async () => (await lab.exec(h, 'ls /var/lib/provision/runs')).stdout.split('\n').filter(Boolean).sort();
    const before = await ls();
    expect(before).toHaveLength(3);
    expect((await lab.exec(h, pruneScript(2))).code).toBe(0);
    expect(await ls()).toEqual(before.slice(1));
    expect((await lab.exec(h, pruneScript(0))).code).toBe(0);
    expect(await ls()).toEqual(before.slice(2));
  });
});
