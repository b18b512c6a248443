/** `lab status`: is the recorded lab running, host by host. */
import { join } from 'node:path';
import { linkExists, netnsExists } from './network.ts';
import { resolveSettings, type LabSettings } from './settings.ts';
import { livePid1, readState } from './state.ts';
import type { LabInfo, LabOptions, LabState } from './types.ts';

export interface LabStatus {
  /** True when every recorded host's PID 1 runs and its netns and links exist. */
  up: boolean;
  /** Present whenever the lab has a state file. */
  info?: LabInfo;
  /** Per host: running or not. */
  hosts: Array<{ name: string; ip: string; running: boolean }>;
  /** What is missing or dead, in words. */
  problems: string[];
}

export function labInfo(s: Pick<LabSettings, 'dir'>, state: LabState): LabInfo {
  return {
    name: state.name,
    dir: s.dir,
    profile: state.profile,
    init: state.init ?? 'tini',
    layout: state.layout ?? 'source',
    hosts: state.hosts.map(({ name, ip, groups }) => ({ name, ip, groups })),
    inventoryPath: join(s.dir, 'inventory.yml'),
    sshConfigPath: join(s.dir, 'ssh_config'),
    knownHostsPath: join(s.dir, 'known_hosts'),
    keyPath: join(s.dir, 'id_ed25519'),
  };
}

export async function labStatus(opts: LabOptions = {}): Promise<LabStatus> {
  const s = resolveSettings(opts);
  const state = readState(s.statePath);
  if (!state) return { up: false, hosts: [], problems: ['no lab state'] };
  const problems: string[] = [];
  if (!(await linkExists(state.bridge))) problems.push(`bridge ${state.bridge} missing`);
  const hosts = [];
  for (const h of state.hosts) {
    const running = (await livePid1(h)) !== undefined && netnsExists(h.name);
    if (!running) problems.push(`host ${h.name} not running`);
    hosts.push({ name: h.name, ip: h.ip, running });
  }
  return { up: problems.length === 0, info: labInfo(s, state), hosts, problems };
}
