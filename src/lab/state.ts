/** state.json of a lab, and checks on the PIDs it records. */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { HostState, LabState } from './types.ts';

export function readState(path: string): LabState | undefined {
  if (!existsSync(path)) return undefined;
  return JSON.parse(readFileSync(path, 'utf8')) as LabState;
}

/** Written synchronously and atomically: concurrent host starts each save the whole state. */
export function writeState(path: string, state: LabState): void {
  writeFileSync(`${path}.tmp`, JSON.stringify(state, null, 2) + '\n');
  renameSync(`${path}.tmp`, path);
}

/** Field 22 of /proc/PID/stat (start time in clock ticks), or undefined if PID is gone. */
export async function pidStartTime(pid: number): Promise<string | undefined> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // comm (field 2) may contain spaces and parentheses: split after the last ')'.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

/** True when `pid` is alive and is still the process that was recorded (not a reused PID). */
export async function sameProcess(pid: number | undefined, start: string | undefined): Promise<boolean> {
  if (pid === undefined || start === undefined) return false;
  const now = await pidStartTime(pid);
  if (now !== start) return false;
  // A zombie is gone for our purposes.
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
}

/** Direct children of `pid` (from /proc/PID/task/PID/children). */
export async function childPids(pid: number): Promise<number[]> {
  const text = await readFile(`/proc/${pid}/task/${pid}/children`, 'utf8').catch(() => '');
  return text.split(/\s+/).filter(Boolean).map(Number);
}

/**
 * The host's PID 1 as it runs now: the recorded one, or for a systemd host that rebooted, the
 * child of the launcher that host-boot.sh forked for the current boot.
 */
export async function livePid1(h: HostState): Promise<{ pid: number; start: string } | undefined> {
  if (h.pid !== undefined && h.pidStart !== undefined && (await sameProcess(h.pid, h.pidStart))) return { pid: h.pid, start: h.pidStart };
  if (h.cgroup === undefined || !(await sameProcess(h.launcherPid, h.launcherStart))) return undefined;
  for (const c of await childPids(h.launcherPid ?? 0)) {
    const cmd = await readFile(`/proc/${c}/cmdline`, 'utf8').catch(() => '');
    if (!cmd.startsWith('unshare') && !cmd.startsWith('nsenter')) continue;
    const pid = (await childPids(c))[0];
    const start = pid === undefined ? undefined : await pidStartTime(pid);
    if (pid !== undefined && start !== undefined) return { pid, start };
  }
  return undefined;
}
