/**
 * Lab hosts for end-to-end tests. `useLab()` in a test file brings fresh hosts up in beforeAll and
 * takes them down in afterAll (which vitest runs even when tests fail). Each file claims a free
 * slot (an atomic mkdir under /tmp) that gives it its own name, prefix, bridge and subnet, so
 * test files can run in parallel. Needs root on Linux.
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { execa } from 'execa';
import { afterAll, beforeAll } from 'vitest';
import {
  labDown,
  labExec,
  labUp,
  type LabInfo,
  type LabInit,
  type LabLayout,
  type LabOptions,
  type LabProfile,
  type RunResult,
} from '../../src/lab/index.ts';

const SLOTS_DIR = '/tmp/provision-lab-slots';
const SLOT_COUNT = 200;

/** Options for `useLab`. */
export interface UseLabOptions {
  /** Lab profile (default `recipe`). */
  profile?: LabProfile;
  /** Host count (profile default otherwise). */
  hosts?: number;
  /** Start Apache/Tomcat (default true). */
  services?: boolean;
  /** PID 1 of the hosts (lab default otherwise). */
  init?: LabInit;
  /** Apache/Tomcat layout (default source). */
  layout?: LabLayout;
  /** Timeout of the beforeAll hook that brings the lab up (default 180s). */
  upTimeoutMs?: number;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Claim a free slot; a slot whose owner process is gone is taken over. */
export function claimSlot(): number {
  mkdirSync(SLOTS_DIR, { recursive: true });
  const start = (process.pid * 7) % SLOT_COUNT;
  for (let k = 0; k < SLOT_COUNT; k++) {
    const i = (start + k) % SLOT_COUNT;
    const dir = `${SLOTS_DIR}/${i}`;
    try {
      mkdirSync(dir);
    } catch {
      // Taken (or stale: sweepStaleLabs takes those down first).
      continue;
    }
    writeFileSync(`${dir}/pid`, String(process.pid));
    return i;
  }
  throw new Error('no free lab slot under /tmp/provision-lab-slots');
}

function slotOwner(dir: string): number {
  try {
    return Number(readFileSync(`${dir}/pid`, 'utf8').trim());
  } catch {
    return 0; // being claimed right now
  }
}

/** Take down labs whose test process died (killed runs); each stale slot is swept by one worker. */
export async function sweepStaleLabs(): Promise<void> {
  mkdirSync(SLOTS_DIR, { recursive: true });
  for (const entry of readdirSync(SLOTS_DIR)) {
    if (!/^\d+$/.test(entry)) continue;
    const dir = `${SLOTS_DIR}/${entry}`;
    const owner = slotOwner(dir);
    if (owner === 0 || alive(owner)) continue;
    const sweeping = `${dir}.sweep-${process.pid}`;
    try {
      renameSync(dir, sweeping);
    } catch {
      continue;
    }
    await labDown(slotOptions(Number(entry))).catch(() => {});
    rmSync(sweeping, { recursive: true, force: true });
  }
}

export function releaseSlot(i: number): void {
  rmSync(`${SLOTS_DIR}/${i}`, { recursive: true, force: true });
}

/** Lab options of slot `i`: its own name, prefix, bridge and subnet. */
export function slotOptions(i: number): LabOptions {
  return { name: `test-t${i}`, prefix: `t${i}`, bridge: `t${i}br0`, subnet: `10.178.${i}.0/24` };
}

export interface TestLab {
  /** The running lab (valid inside tests, after beforeAll). */
  readonly info: LabInfo;
  /** Names of the lab's hosts. */
  readonly hosts: string[];
  /** Run a command inside a host without SSH (nsenter). */
  exec(host: string, command: string): Promise<RunResult>;
  /** Run a command over SSH with the system client and the lab's ssh config, known_hosts and key. */
  ssh(host: string, command: string): Promise<RunResult>;
}

export function useLab(opts: UseLabOptions = {}): TestLab {
  let info: LabInfo | undefined;
  let slot: number | undefined;
  const need = (): LabInfo => {
    if (!info) throw new Error('lab is not up (did beforeAll fail?)');
    return info;
  };
  beforeAll(async () => {
    await sweepStaleLabs();
    slot = claimSlot();
    info = await labUp({
      ...slotOptions(slot),
      profile: opts.profile,
      hosts: opts.hosts,
      services: opts.services,
      init: opts.init,
      layout: opts.layout,
    });
  }, opts.upTimeoutMs ?? 180_000);
  afterAll(async () => {
    if (slot === undefined) return;
    try {
      await labDown(slotOptions(slot));
    } finally {
      releaseSlot(slot);
    }
  }, 60_000);
  return {
    get info() {
      return need();
    },
    get hosts() {
      return need().hosts.map((h) => h.name);
    },
    exec: (host, command) => labExec(need(), host, command),
    async ssh(host, command) {
      const r = await execa('ssh', ['-F', need().sshConfigPath, host, command], { reject: false, timeout: 60_000 });
      return { code: r.exitCode ?? 255, stdout: String(r.stdout), stderr: String(r.stderr) };
    },
  };
}
