/** `lab down`: end what `lab up` started (by recorded PID), remove links, netns, mounts, files. */
import { existsSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { ProvisionError } from '../core/errors.ts';
import { linkExists, netnsExists, removeBridge, removeHostNet } from './network.ts';
import { tryRun, waitFor } from './run.ts';
import { resolveSettings } from './settings.ts';
import { childPids, pidStartTime, readState, sameProcess } from './state.ts';
import type { HostState, LabOptions, LabState } from './types.ts';

export interface LabDownResult {
  /** False when there was nothing to take down. */
  wasUp: boolean;
}

/** Host PID 1 of `h`, also when a crashed `up` recorded only the launcher. */
async function hostPid(h: HostState): Promise<{ pid: number; start: string } | undefined> {
  if (h.pid !== undefined && (await sameProcess(h.pid, h.pidStart))) return { pid: h.pid, start: h.pidStart ?? '' };
  if (h.launcherPid === undefined) return undefined;
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
    if (await sameProcess(h.pid, h.pidStart)) left.push(`process ${h.pid} (${h.name})`);
    if (netnsExists(h.name)) left.push(`netns ${h.name}`);
    if (await linkExists(h.veth)) left.push(`link ${h.veth}`);
  }
  if (state.bridgeCreated && (await linkExists(state.bridge))) left.push(`link ${state.bridge}`);
  for (const m of await mountsUnder(dir)) left.push(`mount ${m}`);
  if (existsSync(dir)) left.push(`directory ${dir}`);
  return left;
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
  const pids = (await Promise.all(state.hosts.map(hostPid))).filter((p) => p !== undefined);
  // Killing a host's PID 1 ends every process of its PID namespace.
  for (const p of pids) if ((await pidStartTime(p.pid)) === p.start) process.kill(p.pid, 'SIGKILL');
  const gone = await waitFor(
    async () => {
      for (const p of pids) if ((await pidStartTime(p.pid)) === p.start) return false;
      return true;
    },
    15_000,
    50,
  );
  if (!gone) s.log('some host processes did not exit within 15s');
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
