/** The lab's bridge, and each host's network namespace and veth pair. */
import { existsSync } from 'node:fs';
import { ProvisionError } from '../core/errors.ts';
import { run, tryRun } from './run.ts';
import type { LabSettings } from './settings.ts';
import type { HostState } from './types.ts';

export async function linkExists(name: string): Promise<boolean> {
  return (await tryRun('ip', ['link', 'show', 'dev', name])).code === 0;
}

export function netnsExists(name: string): boolean {
  return existsSync(`/run/netns/${name}`);
}

/** Refuse to touch names or a subnet that something else (another lab, the machine) uses. */
export async function checkFree(s: LabSettings, hosts: HostState[]): Promise<void> {
  const hint = 'another lab or the machine uses it: pick another --prefix, --bridge or --subnet';
  if (await linkExists(s.bridge)) throw new ProvisionError(`link ${s.bridge} already exists`, { hint });
  for (const h of hosts) {
    if (netnsExists(h.name)) throw new ProvisionError(`network namespace ${h.name} already exists`, { hint });
    if (await linkExists(h.veth)) throw new ProvisionError(`link ${h.veth} already exists`, { hint });
  }
  const addrs = await run('ip', ['-4', '-o', 'addr', 'show']);
  if (addrs.includes(` ${s.net}.`)) throw new ProvisionError(`subnet ${s.subnet} is already in use here`, { hint });
}

export async function createBridge(s: LabSettings): Promise<void> {
  await run('ip', ['link', 'add', s.bridge, 'type', 'bridge', 'mcast_snooping', '0']);
  await run('ip', ['addr', 'add', `${s.net}.1/24`, 'dev', s.bridge]);
  await run('ip', ['link', 'set', s.bridge, 'up']);
}

/** Make the host's netns with eth0 on the bridge, no default route, multicast routed to eth0. */
export async function createHostNet(s: LabSettings, h: HostState): Promise<void> {
  await run('ip', ['netns', 'add', h.name]);
  await run('ip', ['link', 'add', h.veth, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', h.name]);
  await run('ip', ['link', 'set', h.veth, 'master', s.bridge, 'up']);
  const batch = [
    `addr add ${h.ip}/24 dev eth0`,
    'link set lo up',
    'link set eth0 up',
    // Tomcat's McastService joins 228.0.0.4 on the interface routing 224/4: "No such device" without it.
    'route add 224.0.0.0/4 dev eth0',
  ].join('\n');
  await run('ip', ['-n', h.name, '-batch', '-'], { input: batch + '\n' });
}

/** Remove what `createHostNet` made; absent pieces are fine. */
export async function removeHostNet(h: HostState): Promise<void> {
  if (await linkExists(h.veth)) await tryRun('ip', ['link', 'del', h.veth]);
  if (netnsExists(h.name)) await tryRun('ip', ['netns', 'del', h.name]);
}

export async function removeBridge(bridge: string): Promise<void> {
  if (await linkExists(bridge)) await tryRun('ip', ['link', 'del', bridge]);
}
