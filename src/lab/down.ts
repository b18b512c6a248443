/** `lab down`: end what `lab up` started (by recorded PID), remove links, netns, mounts, files. */
import { existsSync } from 'node:fs';
import { readFile, rm, rmdir } from 'node:fs/promises';
import { join } from 'node:path';
import { ProvisionError } from '../core/errors.ts';
import { linkExists, netnsExists, removeBridge, removeHostNet } from './network.ts';
import { tryRun, waitFor } from './run.ts';
import { resolveSettings } from './settings.ts';
import { childPids, livePid1, pidStartTime, readState, sameProcess } from './state.ts';
import { cgroupPids, removeCgroup } from './cgroup.ts';
import type { HostState, LabOptions, LabState } from './types.ts';

export interface LabDownResult {
  /** False when there was nothing to take down. */
  wasUp: boolean;
}

/** Host PID 1 of `h`, also when a crashed `up` recorded only the launcher. */
async function hostPid(h: HostState): Promise<{ pid: number; start: string } | undefined> {
  const live = await livePid1(h);
  if (live || h.launcherPid === undefined || h.cgroup !== undefined) return live;
  const cmd = await readFile(`/proc/${h.launcherPid}/cmdline`, 'utf8').catch(() => '');
  // Only a launcher that is still our nsenter/unshare for this host.
  if (!cmd.includes('host-init.sh')) return undefined;
  const pid = (await childPids(h.launcherPid))[0];
  const start = pid === undefined ? undefined : await pidStartTime(pid);
  return pid === undefined || start === undefined ? undefined : { pid, start };
}

async function mountsUnder(dir: string): Promise<string[]> {
  const info = await readFile('/proc/self/mountinfo', 'utf8');
  return info
    .split('\n')
    .map((l) => l.split(' ')[4] ?? '')
    .filter((m) => m === dir || m.startsWith(`${dir}/`));
}

/** What of the lab is still there; empty when everything is gone. */
export async function leftovers(state: LabState, dir: string): Promise<string[]> {
  const left: string[] = [];
  for (const h of state.hosts) {
    const pid1 = await livePid1(h);
    if (pid1) left.push(`process ${pid1.pid} (${h.name})`);
    if (await sameProcess(h.launcherPid, h.launcherStart)) left.push(`process ${h.launcherPid} (${h.name}'s launcher)`);
    if (h.cgroup !== undefined && existsSync(h.cgroup)) left.push(`cgroup ${h.cgroup}`);
    if (netnsExists(h.name)) left.push(`netns ${h.name}`);
    if (await linkExists(h.veth)) left.push(`link ${h.veth}`);
  }
  if (state.bridgeCreated && (await linkExists(state.bridge))) left.push(`link ${state.bridge}`);
  for (const m of await mountsUnder(dir)) left.push(`mount ${m}`);
  if (existsSync(dir)) left.push(`directory ${dir}`);
  return left;
}

/** SIGRTMIN+4: systemd's "power off" (signal numbers are Linux's; Node has no names for them). */
const SIGRTMIN_4 = 34 + 4;

/**
 * End every host: tini hosts by SIGKILL to PID 1 (which ends its PID namespace), systemd hosts by
 * a clean power off (SIGRTMIN+4), SIGKILL for any that is not gone within 20s; then the systemd
 * hosts' launchers and cgroups (deepest first).
 */
async function stopHosts(log: (l: string) => void, hosts: HostState[]): Promise<void> {
  const found = await Promise.all(hosts.map(async (h) => ({ h, p: await hostPid(h) })));
  const alive = async (p: { pid: number; start: string }): Promise<boolean> => (await pidStartTime(p.pid)) === p.start;
  for (const { h, p } of found) if (p && (await alive(p))) process.kill(p.pid, h.cgroup !== undefined ? SIGRTMIN_4 : 'SIGKILL');
  const allGone = async (): Promise<boolean> => {
    for (const { p } of found) if (p && (await alive(p))) return false;
    return true;
  };
  if (!(await waitFor(allGone, 20_000, 50))) {
    log('some hosts did not power off within 20s; killing them');
    for (const { p } of found) if (p && (await alive(p))) process.kill(p.pid, 'SIGKILL');
    if (!(await waitFor(allGone, 15_000, 50))) log('some host processes did not exit within 15s');
  }
  for (const h of hosts) {
    if (h.cgroup === undefined) continue;
    // host-boot.sh exits once its PID 1 has powered off; a stuck one is ended by PID (checked).
    const launcherGone = async (): Promise<boolean> => !(await sameProcess(h.launcherPid, h.launcherStart));
    if (!(await waitFor(launcherGone, 5000, 50)) && h.launcherPid !== undefined) process.kill(h.launcherPid, 'SIGKILL');
    if (!(await removeCgroup(h.cgroup))) log(`cgroup ${h.cgroup} still holds ${(await cgroupPids(h.cgroup)).join(' ')}`);
  }
  // The lab's (and, if no other lab uses it, the labs') parent cgroup directories.
  for (const h of hosts.slice(0, 1)) {
    if (h.cgroup === undefined) continue;
    const labDir = join(h.cgroup, '..');
    await rmdir(labDir).catch(() => {});
    await rmdir(join(labDir, '..')).catch(() => {});
  }
}

/** Take the lab down. Safe when nothing is up; checks that nothing is left. */
export async function labDown(opts: LabOptions = {}): Promise<LabDownResult> {
  const s = resolveSettings(opts);
  const state = readState(s.statePath);
  if (!state) {
    if (existsSync(s.dir) && (await mountsUnder(s.dir)).length === 0) await rm(s.dir, { recursive: true, force: true });
    s.log(`lab "${s.name}" is not up; nothing to do`);
    return { wasUp: false };
  }
  await stopHosts(s.log, state.hosts);
  for (const h of state.hosts) await removeHostNet(h);
  if (state.bridgeCreated) await removeBridge(state.bridge);
  for (const m of (await mountsUnder(s.dir)).reverse()) {
    if ((await tryRun('umount', [m])).code !== 0) await tryRun('umount', ['-l', m]);
  }
  if ((await mountsUnder(s.dir)).length === 0) await rm(s.dir, { recursive: true, force: true });
  const left = await leftovers(state, s.dir);
  if (left.length > 0) {
    throw new ProvisionError(`lab "${s.name}" is not fully down: ${left.join(', ')}`, {
      hint: 'run `provision lab down` again; if it persists, remove these by hand',
    });
  }
  s.log(`lab "${s.name}" is down (${state.hosts.length} host(s) removed)`);
  return { wasUp: true };
}
