/** Turns `LabOptions` into concrete names, paths and the host list of a profile. */
import { join, resolve } from 'node:path';
import { ProvisionError } from '../core/errors.ts';
import { ROOT } from '../core/root.ts';
import type { LabHost, LabInit, LabLayout, LabOptions, LabProfile } from './types.ts';

/** Repository root. */
export const REPO_ROOT = ROOT;
export const HOST_INIT = join(ROOT, 'src/lab/host-init.sh');
export const HOST_BOOT = join(ROOT, 'src/lab/host-boot.sh');
export const ASSETS_DIR = join(ROOT, 'src/lab/assets');
/** The Java every host's Tomcat runs with (Debian's OpenJDK 17). */
export const JAVA_HOME = '/usr/lib/jvm/java-17-openjdk-amd64';

export interface LabSettings {
  name: string;
  dir: string;
  prefix: string;
  bridge: string;
  /** First three octets, e.g. `10.177.77`. */
  net: string;
  subnet: string;
  profile: LabProfile;
  init: LabInit;
  layout: LabLayout;
  hostCount: number;
  services: boolean;
  log: (line: string) => void;
  statePath: string;
  fsDir: string;
  inventoryPath: string;
  sshConfigPath: string;
  knownHostsPath: string;
  keyPath: string;
  logDir: string;
}

const DEFAULT_COUNT: Record<LabProfile, number> = { recipe: 1, multi: 3, scale: 30 };

function bad(message: string, hint: string): never {
  throw new ProvisionError(message, { hint });
}

export function resolveSettings(opts: LabOptions = {}): LabSettings {
  const name = opts.name ?? 'default';
  if (!/^[A-Za-z0-9_.-]{1,40}$/.test(name)) bad(`invalid lab name "${name}"`, 'use letters, digits, . _ -');
  const prefix = opts.prefix ?? 'pv';
  if (!/^[a-z][a-z0-9]{0,7}$/.test(prefix)) {
    bad(`invalid lab prefix "${prefix}"`, 'use 1-8 lowercase letters/digits starting with a letter');
  }
  const bridge = opts.bridge ?? `${prefix}br0`;
  if (!/^[A-Za-z0-9_-]{1,15}$/.test(bridge)) bad(`invalid bridge name "${bridge}"`, 'at most 15 chars');
  const subnet = opts.subnet ?? '10.177.77.0/24';
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.0\/24$/.exec(subnet);
  if (!m || [m[1], m[2], m[3]].some((o) => Number(o) > 255)) {
    bad(`invalid lab subnet "${subnet}"`, 'give a private /24 such as 10.177.77.0/24');
  }
  const profile = opts.profile ?? 'recipe';
  if (!(profile in DEFAULT_COUNT)) bad(`unknown lab profile "${profile}"`, 'use recipe, multi or scale');
  const layout = opts.layout ?? 'source';
  if (layout !== 'source' && layout !== 'rhel') bad(`unknown lab layout "${String(layout)}"`, 'use source or rhel');
  const init = opts.init ?? (layout === 'rhel' ? 'systemd' : 'tini');
  if (init !== 'tini' && init !== 'systemd') bad(`unknown lab init "${String(init)}"`, 'use tini or systemd');
  if (layout === 'rhel' && init !== 'systemd') {
    bad('layout rhel needs systemd hosts', 'drop --init tini: httpd and Tomcat are systemd units on the rhel layout');
  }
  const hostCount = opts.hosts ?? DEFAULT_COUNT[profile];
  const min = profile === 'multi' ? 2 : 1;
  if (!Number.isInteger(hostCount) || hostCount < min || hostCount > 200) {
    bad(`invalid host count ${hostCount} for profile ${profile}`, `give ${min}..200`);
  }
  const dir = resolve(opts.dir ?? join(REPO_ROOT, '.lab', name));
  return {
    name,
    dir,
    prefix,
    bridge,
    subnet,
    profile,
    init,
    layout,
    hostCount,
    net: `${m[1]}.${m[2]}.${m[3]}`,
    services: profile !== 'scale' && opts.services !== false,
    log: opts.log ?? (() => {}),
    statePath: join(dir, 'state.json'),
    fsDir: join(dir, 'fs'),
    inventoryPath: join(dir, 'inventory.yml'),
    sshConfigPath: join(dir, 'ssh_config'),
    knownHostsPath: join(dir, 'known_hosts'),
    keyPath: join(dir, 'id_ed25519'),
    logDir: join(dir, 'logs'),
  };
}

/** The hosts a profile makes, with addresses .11, .12, … on the lab subnet. */
export function planHosts(s: LabSettings): LabHost[] {
  const names: Array<[string, string[]]> = [];
  const n = s.hostCount;
  if (s.profile === 'recipe') {
    for (let i = 1; i <= n; i++) names.push([`web${i}`, ['apache', 'tomcat']]);
  } else if (s.profile === 'multi') {
    names.push(['web1', ['apache']]);
    for (let i = 1; i < n; i++) names.push([`app${i}`, ['tomcat']]);
  } else {
    const width = String(n).length < 2 ? 2 : String(n).length;
    for (let i = 1; i <= n; i++) names.push([`n${String(i).padStart(width, '0')}`, ['tomcat']]);
  }
  return names.map(([short, groups], i) => ({
    name: `${s.prefix}-${short}`,
    ip: `${s.net}.${11 + i}`,
    groups,
  }));
}
