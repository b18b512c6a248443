/**
 * `lab down` leaves nothing behind: no process, netns, link, mount or file. Checked from the
 * outside (ip, /proc, the filesystem), not through the lab's own bookkeeping.
 */
import { existsSync, readFileSync } from 'node:fs';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labDown, labStatus, labUp, resolveSettings, type LabOptions, type LabState } from '../../src/lab/index.ts';
import { claimSlot, releaseSlot, slotOptions, sweepStaleLabs } from '../helpers/lab.ts';

let opts: LabOptions;
let slot: number;
const logs: string[] = [];

beforeAll(async () => {
  await sweepStaleLabs();
  slot = claimSlot();
  opts = { ...slotOptions(slot), log: (l) => logs.push(l) };
});
afterAll(async () => {
  await labDown(opts).finally(() => releaseSlot(slot));
}, 60_000);

async function remains(state: LabState, dir: string): Promise<string[]> {
  const found: string[] = [];
  const netns = (await execa('ip', ['netns', 'list'])).stdout;
  const links = (await execa('ip', ['-o', 'link', 'show'])).stdout;
  for (const h of state.hosts) {
    if (h.pid !== undefined && existsSync(`/proc/${h.pid}`)) found.push(`pid ${h.pid}`);
    if (h.launcherPid !== undefined && existsSync(`/proc/${h.launcherPid}`)) found.push(`pid ${h.launcherPid}`);
    if (new RegExp(`^${h.name}\\b`, 'm').test(netns)) found.push(`netns ${h.name}`);
    if (links.includes(` ${h.veth}@`) || links.includes(` ${h.veth}:`)) found.push(`link ${h.veth}`);
  }
  if (links.includes(` ${state.bridge}:`)) found.push(`bridge ${state.bridge}`);
  if (readFileSync('/proc/self/mountinfo', 'utf8').includes(dir)) found.push('mount');
  if (existsSync(dir)) found.push(`dir ${dir}`);
  return found;
}

describe('lab down', () => {
  it('removes every process, namespace, link, mount and file of the lab', async () => {
    const info = await labUp({ ...opts, profile: 'multi', services: false });
    const state = JSON.parse(readFileSync(`${info.dir}/state.json`, 'utf8')) as LabState;
    expect(state.hosts.every((h) => h.pid !== undefined)).toBe(true);
    expect(await remains(state, info.dir)).not.toEqual([]);
    expect((await labDown(opts)).wasUp).toBe(true);
    expect(await remains(state, info.dir)).toEqual([]);
  }, 120_000);

  it('is safe with nothing up, and says so', async () => {
    logs.length = 0;
    expect((await labDown(opts)).wasUp).toBe(false);
    expect(logs.join('\n')).toMatch(/not up; nothing to do/);
  });

  it('up twice is safe and says so', async () => {
    const first = await labUp({ ...opts, services: false });
    logs.length = 0;
    const second = await labUp({ ...opts, services: false });
    expect(logs.join('\n')).toMatch(/already up/);
    expect(second.hosts).toEqual(first.hosts);
    await labDown(opts);
  }, 120_000);

  it('cleans up after a host crashed, and up repairs a broken lab', async () => {
    const info = await labUp({ ...opts, profile: 'multi', services: false });
    const state = JSON.parse(readFileSync(`${info.dir}/state.json`, 'utf8')) as LabState;
    process.kill(state.hosts[1]?.pid ?? 0, 'SIGKILL');
    await new Promise((r) => setTimeout(r, 300));
    const st = await labStatus(opts);
    expect(st.up).toBe(false);
    expect(st.problems.join()).toMatch(/not running/);
    logs.length = 0;
    await labUp({ ...opts, profile: 'multi', services: false });
    expect(logs.join('\n')).toMatch(/remains of an earlier run/);
    expect((await labStatus(opts)).up).toBe(true);
    await labDown(opts);
    expect(await remains(state, resolveSettings(opts).dir)).toEqual([]);
  }, 180_000);

  it('refuses a bridge that exists already (two labs may not collide)', async () => {
    const other = slotOptions(slot);
    await execa('ip', ['link', 'add', `${other.bridge}`, 'type', 'bridge']);
    try {
      await expect(labUp(opts)).rejects.toThrow(/already exists/);
    } finally {
      await execa('ip', ['link', 'del', `${other.bridge}`]);
    }
  });
});
