/**
 * `lab down` leaves nothing behind: no process, netns, link, mount or file. Checked from the
 * outside (ip, /proc, the filesystem), not through the lab's own bookkeeping.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labDown, labExec, labStatus, labUp, resolveSettings, type LabOptions, type LabState } from '../../src/lab/index.ts';
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

/** PIDs of every process whose unified-hierarchy cgroup is under `cgroupDir` (a systemd host's whole tree). */
function processesIn(cgroupDir: string): number[] {
  const rel = cgroupDir.replace(/^\/sys\/fs\/cgroup(\/unified)?/, '');
  return readdirSync('/proc')
    .filter((p) => /^\d+$/.test(p))
    .filter((p) => {
      try {
        const line =
          readFileSync(`/proc/${p}/cgroup`, 'utf8')
            .split('\n')
            .find((l) => l.startsWith('0::')) ?? '';
        return line.slice(3) === rel || line.slice(3).startsWith(`${rel}/`);
      } catch {
        return false;
      }
    })
    .map(Number);
}

async function remains(state: LabState, dir: string): Promise<string[]> {
  const found: string[] = [];
  const mountinfo = readFileSync('/proc/self/mountinfo', 'utf8');
  const netns = (await execa('ip', ['netns', 'list'])).stdout;
  const links = (await execa('ip', ['-o', 'link', 'show'])).stdout;
  for (const h of state.hosts) {
    if (h.pid !== undefined && existsSync(`/proc/${h.pid}`)) found.push(`pid ${h.pid}`);
    if (h.launcherPid !== undefined && existsSync(`/proc/${h.launcherPid}`)) found.push(`pid ${h.launcherPid}`);
    if (new RegExp(`^${h.name}\\b`, 'm').test(netns)) found.push(`netns ${h.name}`);
    if (links.includes(` ${h.veth}@`) || links.includes(` ${h.veth}:`)) found.push(`link ${h.veth}`);
    if (h.cgroup !== undefined) {
      if (existsSync(h.cgroup)) found.push(`cgroup ${h.cgroup}`);
      for (const pid of processesIn(h.cgroup)) found.push(`pid ${pid} in ${h.cgroup}`);
      if (mountinfo.includes(`/run/netns/${h.name} `)) found.push(`netns mount ${h.name}`);
    }
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

  it('systemd hosts (rhel layout, services running): no process, cgroup, mount, link or netns is left', async () => {
    const info = await labUp({ ...opts, profile: 'multi', layout: 'rhel' });
    expect(info.init).toBe('systemd');
    const state = JSON.parse(readFileSync(`${info.dir}/state.json`, 'utf8')) as LabState;
    const cgroups = state.hosts.map((h) => h.cgroup ?? '');
    expect(cgroups.every((c) => existsSync(c))).toBe(true);
    // systemd, its units' processes (httpd, java, firewalld, sshd) all live in the host's cgroup tree.
    for (const c of cgroups) expect(processesIn(c).length).toBeGreaterThan(4);
    expect((await labDown(opts)).wasUp).toBe(true);
    expect(await remains(state, info.dir)).toEqual([]);
    expect(existsSync(dirname(cgroups[0] ?? ''))).toBe(false);
  }, 180_000);

  it('systemd hosts, source layout: Apache and Tomcat started by their scripts at boot; nothing left after down', async () => {
    const info = await labUp({ ...opts, init: 'systemd' });
    expect(info).toMatchObject({ init: 'systemd', layout: 'source' });
    const host = info.hosts[0]!.name;
    // up waited for systemd's `running` and ports 80, 8080, 8005: here, who started them.
    const r = await labExec(
      info,
      host,
      'systemctl is-active lab-services; pgrep -f -- -Dcatalina.base=/opt/tomcat >/dev/null && echo java',
    );
    expect(r.stdout).toBe('active\njava');
    const state = JSON.parse(readFileSync(`${info.dir}/state.json`, 'utf8')) as LabState;
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
