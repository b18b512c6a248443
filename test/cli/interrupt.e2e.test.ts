/**
 * Ctrl-C through the real CLI on two lab hosts. The first SIGINT stops new changes, lets the script
 * in flight on each host finish (consecutive tasks share one: runner/segment.ts), releases the
 * locks, records the run as interrupted and says how to go on (exit 130); the rerun finishes the
 * job, and `rollback --run` undoes the interrupted run. A second SIGINT aborts at once: the lock is
 * then stale, and the next run says so.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { useLab } from '../helpers/lab.ts';
import { BIN, cli } from '../helpers/recipe.ts';

const lab = useLab({ profile: 'scale', hosts: 2 });
let playbook: string;

const PLAYBOOK = `- name: interruptible
  hosts: all
  tasks:
    - name: the directory
      file: { path: /srv/int, state: directory, mode: "0755" }
    - name: one
      copy: { dest: /srv/int/one.txt, content: "one\\n" }
    - name: two, in flight when interrupted
      shell: { cmd: "sleep 4 && touch /srv/int/two", creates: /srv/int/two }
    - name: three
      copy: { dest: /srv/int/three.txt, content: "three\\n" }
`;

/**
 * Start a run and send SIGINT `times` times while task "two" runs on the hosts: the first three
 * tasks share one script (three must read the host after a command, so it is not in it).
 */
async function interrupted(times: number): Promise<{ code: number; out: string }> {
  const child = execa('node', [BIN, '-i', lab.info.inventoryPath, playbook], { reject: false, env: { CI: 'true' }, all: true });
  let out = '';
  const started = new Promise<void>((resolve) => {
    child.all!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('TASK [the directory]')) resolve();
    });
  });
  const bounded = new Promise<void>((_, reject) => setTimeout(() => reject(new Error(`the run never started:\n${out}`)), 60_000));
  await Promise.race([started, bounded]);
  // The script that makes the directory, one and two is running on both hosts now (two sleeps 4 s).
  await new Promise((r) => setTimeout(r, 500));
  for (let k = 0; k < times; k++) {
    child.kill('SIGINT');
    await new Promise((r) => setTimeout(r, 200));
  }
  const r = await child;
  return { code: r.exitCode ?? -1, out: r.all ?? out };
}

const exists = async (host: string, path: string) => (await lab.exec(host, `test -e ${path}`)).code === 0;

beforeAll(() => {
  const dir = mkdtempSync(join(tmpdir(), 'pv-int-'));
  playbook = join(dir, 'site.yml');
  writeFileSync(playbook, PLAYBOOK);
});

describe('Ctrl-C', () => {
  it('once: the change in flight finishes, nothing new starts, locks released, run recorded as interrupted', async () => {
    const r = await interrupted(1);
    expect(r.code, r.out).toBe(130);
    expect(r.out).toContain('SIGINT: stopping');
    const runId = /run (\S+) is recorded as interrupted/.exec(r.out)?.[1];
    expect(runId, r.out).toBeDefined();
    expect(r.out).toContain(`provision rollback -i ${lab.info.inventoryPath} --run ${runId}`);
    expect(r.out).not.toContain('TASK [three]');
    for (const h of lab.hosts) {
      expect(await exists(h, '/srv/int/one.txt')).toBe(true);
      expect(await exists(h, '/srv/int/two')).toBe(true); // in flight: finished
      expect(await exists(h, '/srv/int/three.txt')).toBe(false); // never started
      expect(await exists(h, '/var/lib/provision/lock')).toBe(false);
    }
    const history = await cli(['history', '-i', lab.info.inventoryPath]);
    expect(history.out).toMatch(new RegExp(`${runId}.*interrupted`));

    // The rerun makes only what is left.
    const rerun = await cli(['-i', lab.info.inventoryPath, playbook, '--json']);
    expect(rerun.code, rerun.out).toBe(0);
    for (const h of lab.hosts) {
      expect(rerun.json!.recap[h]).toMatchObject({ changed: 1, failed: 0 });
      expect(await exists(h, '/srv/int/three.txt')).toBe(true);
    }
    // Rolling back the rerun, then the interrupted run, leaves the hosts as they were.
    expect((await cli(['rollback', '-i', lab.info.inventoryPath])).code).toBe(0);
    const back = await cli(['rollback', '-i', lab.info.inventoryPath, '--run', runId!]);
    expect(back.code, back.out).toBe(0);
    for (const h of lab.hosts) expect(await exists(h, '/srv/int')).toBe(false);
  });

  it('twice: aborts at once, the lock is left stale and the next run recognises it', async () => {
    const r = await interrupted(2);
    expect(r.code, r.out).toBe(130);
    expect(r.out).toContain('SIGINT again: stopping at once');
    for (const h of lab.hosts) expect(await exists(h, '/var/lib/provision/lock')).toBe(true);
    const next = await cli(['-i', lab.info.inventoryPath, playbook]);
    expect(next.code, next.out).not.toBe(0);
    expect(next.out).toMatch(/stale/i);
    expect(next.out).toContain('--break-stale-lock');
    const broken = await cli(['-i', lab.info.inventoryPath, playbook, '--break-stale-lock']);
    expect(broken.code, broken.out).toBe(0);
    for (const h of lab.hosts) expect(await exists(h, '/srv/int/three.txt')).toBe(true);
  });
});
