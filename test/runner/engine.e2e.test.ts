/**
 * The engine end to end on two lab hosts (real sshd, real files): an 11-task playbook changes
 * things once, then changes nothing in at most 3 round trips on one connection; --check after a
 * hand edit reports exactly that file and writes nothing; secrets and odd values stay data.
 */
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { loadOperations } from '../../src/ops/registry.ts';
import { RunEmitter } from '../../src/runner/events.ts';
import { runPlaybook, type RunOptions } from '../../src/runner/run.ts';
import { useLab } from '../helpers/lab.ts';

const lab = useLab({ profile: 'scale', hosts: 2 });
const ODD = `x'; touch /tmp/pwned-$(id -u) \`touch /tmp/pwned2\` "q" $HOME\nline2`;
const SECRET = 'S3cret-Value-42';
let dir: string;
let inventory: string;

async function run(extra: Partial<RunOptions> = {}) {
  const emitter = new RunEmitter();
  const out: string[] = [];
  emitter.on('task:result', (r) => out.push(JSON.stringify(r)));
  const summary = await runPlaybook({ inventory, playbook: join(dir, 'site.yml'), ops: await loadOperations(), emitter, ...extra });
  return { ...summary, text: out.join('\n') };
}

const sums = async (host: string) => (await lab.exec(host, 'cd /srv/app && find . -type f | sort | xargs sha256sum')).stdout;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'pv-engine-'));
  cpSync(join(import.meta.dirname, '../fixtures/engine'), dir, { recursive: true });
  // The lab's inventory, plus the variables this playbook needs.
  const inv = parse(readFileSync(lab.info.inventoryPath, 'utf8'));
  inv.all.vars = { ...inv.all.vars, odd_value: ODD, odd_name: 'it\'s a "file"; $(x)', db_password: SECRET };
  inventory = join(dir, 'hosts.yml');
  writeFileSync(inventory, stringify(inv));
});

describe('engine on lab hosts', () => {
  it('first run changes every host, second run changes nothing in ≤3 round trips on one connection', async () => {
    const first = await run();
    expect(first.exitCode, first.text).toBe(0);
    for (const h of lab.hosts) {
      expect(first.recap[h]!.changed).toBe(11);
      // One round trip per changing task (and a read before each task after a command) took 17: the
      // changes share scripts (runner/segment.ts), cut only where a task reads what a command left,
      // read at the end of the same script.
      expect(first.recap[h]!.roundTrips).toBe(5);
    }

    const second = await run();
    expect(second.exitCode, second.text).toBe(0);
    for (const h of lab.hosts) {
      expect(second.recap[h]).toMatchObject({ changed: 0, failed: 0, ok: 11 });
      expect(second.recap[h]!.connections).toBe(1);
      expect(second.recap[h]!.roundTrips).toBeLessThanOrEqual(3);
    }
  });

  it('odd inventory values reach the host as data, never as shell', async () => {
    const h = lab.hosts[0]!;
    expect((await lab.exec(h, 'cat /srv/app/odd.txt')).stdout).toBe(ODD);
    expect((await lab.exec(h, `ls /srv/app`)).stdout).toContain(`it's a "file"; $(x)`);
    expect((await lab.exec(h, 'ls /tmp/pwned-0 /tmp/pwned2 2>&1')).code).not.toBe(0);
  });

  it('secrets reach the file but never the output', async () => {
    const h = lab.hosts[0]!;
    // The trailing dot keeps the file's final newline visible (exec output drops one).
    expect((await lab.exec(h, 'cat /srv/app/conf/secret.conf; echo .')).stdout).toBe(`password=${SECRET}\n.`);
    await lab.exec(h, 'echo tampered > /srv/app/conf/secret.conf');
    const check = await run({ check: true });
    expect(check.text).toContain('secret.conf');
    expect(check.text).not.toContain(SECRET);
    // The journal people read is masked too; the journal directory is root's alone.
    expect((await lab.exec(h, `grep -rl ${SECRET} /var/lib/provision/runs/*/entries /var/lib/provision/runs/*/run`)).stdout).toBe('');
    expect((await lab.exec(h, 'stat -c %a /var/lib/provision')).stdout.trim()).toBe('700');
    await lab.exec(h, `printf 'password=%s\\n' ${SECRET} > /srv/app/conf/secret.conf`);
  });

  it('--check after a hand edit reports exactly that file and writes nothing', async () => {
    const [h1, h2] = lab.hosts as [string, string];
    await lab.exec(h1, "sed -i 's/^listen = .*/listen = 9999/' /srv/app/conf/settings.conf");
    const before = [await sums(h1), await sums(h2)];
    const check = await run({ check: true });
    expect(check.exitCode).toBe(0);
    const changed = check.results.filter((r) => r.status === 'would-change');
    expect(changed.map((r) => [r.host, r.task])).toEqual([[h1, 'settings from a template']]);
    expect(changed[0]!.diffs[0]).toMatchObject({ path: '/srv/app/conf/settings.conf' });
    expect([await sums(h1), await sums(h2)]).toEqual(before);
    // A real run puts it back; then everything is ok again.
    expect((await run()).recap[h1]!.changed).toBe(1);
    expect((await run()).recap[h1]!.changed).toBe(0);
  });

  it('--limit touches only the hosts it names', async () => {
    const [h1, h2] = lab.hosts as [string, string];
    await lab.exec(h1, 'rm /srv/app/marker');
    await lab.exec(h2, 'rm /srv/app/marker');
    const r = await run({ limit: h2 });
    expect(Object.keys(r.recap)).toEqual([h2]);
    expect((await lab.exec(h1, 'test -e /srv/app/marker')).code).toBe(1);
    expect((await lab.exec(h2, 'test -e /srv/app/marker')).code).toBe(0);
  });
});
