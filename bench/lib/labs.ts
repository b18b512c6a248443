/**
 * The bench's lab hosts: one lab per tool (identical `scale` hosts), so each tool's reruns see
 * only its own converged state while the two runs still alternate. Inventories for 1, 10, 30 hosts.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { labDown, labUp, type LabInfo, type LabOptions } from '../../src/lab/index.ts';
import { REPO, type ToolName } from './tools.ts';

export const WORK = join(REPO, 'bench/.work');

/** Lab name, prefix, bridge and subnet per tool: apart from the tests' 10.178.x and the default lab. */
export const LAB: Record<ToolName, LabOptions> = {
  provision: { name: 'bench-p', prefix: 'bnp', subnet: '10.179.50.0/24' },
  ansible: { name: 'bench-a', prefix: 'bna', subnet: '10.179.51.0/24' },
};

/** Fresh hosts for `tool`: whatever lab of that name was up is taken down first. */
export async function freshLab(tool: ToolName, hosts: number): Promise<LabInfo> {
  await labDown(LAB[tool]);
  return labUp({ ...LAB[tool], profile: 'scale', hosts, services: false });
}

export async function downAll(): Promise<void> {
  for (const t of ['provision', 'ansible'] as const) await labDown(LAB[t]).catch(() => undefined);
}

/**
 * An inventory of the lab's first `n` hosts, each in the groups `apache` and `tomcat` (the recipe
 * on one host: Apache in front of two Tomcats), plus `hostVars(host)` per host.
 */
export function writeInventory(info: LabInfo, n: number, hostVars: (host: string) => Record<string, unknown> = () => ({})): string {
  const lab = parse(readFileSync(info.inventoryPath, 'utf8')) as { all: { vars: Record<string, unknown> } };
  const names = info.hosts.slice(0, n);
  const hosts: Record<string, unknown> = {};
  for (const h of names) hosts[h.name] = { ansible_host: h.ip, ...hostVars(h.name) };
  const members = Object.fromEntries(names.map((h) => [h.name, null]));
  const inv = {
    all: {
      vars: lab.all.vars,
      hosts,
      children: { apache: { hosts: { ...members } }, tomcat: { hosts: { ...members } } },
    },
  };
  mkdirSync(WORK, { recursive: true });
  const path = join(WORK, `${info.name}-${n}.yml`);
  writeFileSync(path, stringify(inv));
  return path;
}

/**
 * Environment for ansible-playbook: the bench's ansible.cfg, the lab's known_hosts, and a
 * ControlPath directory of this lab incarnation (a persisted master to a host that was rebuilt
 * would point at a dead connection).
 */
export function ansibleEnv(info: LabInfo, incarnation: string): NodeJS.ProcessEnv {
  const cp = join('/tmp', `bench-cp-${incarnation}`);
  rmSync(cp, { recursive: true, force: true });
  mkdirSync(cp, { recursive: true });
  return {
    ...process.env,
    ANSIBLE_CONFIG: join(REPO, 'bench/ansible/ansible.cfg'),
    ANSIBLE_SSH_CONTROL_PATH_DIR: cp,
    ANSIBLE_SSH_COMMON_ARGS: `-o UserKnownHostsFile=${info.knownHostsPath} -o StrictHostKeyChecking=yes -o IdentitiesOnly=yes`,
    ANSIBLE_NOCOLOR: '1',
    ANSIBLE_FORCE_COLOR: '0',
    ANSIBLE_LOCAL_TEMP: join(WORK, 'ansible-tmp'),
    ANSIBLE_HOME: join(WORK, 'ansible-home'),
  };
}
