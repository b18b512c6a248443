/**
 * What `provision verify` checks, read from the same inventory and playbook variables the recipe
 * ran with: every Tomcat instance (its HTTP port, jvmRoute, cluster receiver) and every Apache.
 */
import { UsageError } from '../core/errors.ts';
import { dirname } from 'node:path';
import { loadInventory } from '../inventory/load.ts';
import type { VaultKeyring } from '../inventory/vault.ts';
import type { Inventory } from '../inventory/types.ts';
import { loadOperations } from '../ops/registry.ts';
import { loadPlaybook } from '../playbook/load.ts';
import { playVars } from '../vars/play-vars.ts';

export interface InstanceTarget {
  host: string;
  home: string;
  jvmRoute: string;
  httpPort: number;
  /** `address:port` of its cluster receiver, as other members see it. */
  receiver: string;
}

export interface ApacheTarget {
  host: string;
  url: string;
}

export interface Targets {
  inv: Inventory;
  instances: InstanceTarget[];
  apaches: ApacheTarget[];
  /** The probed path: the playbook's `tomcat_check_path`, else the application's path. */
  path: string;
  /** The variables of every host (for connecting). */
  vars: Record<string, Record<string, unknown>>;
}

/** One item of the recipe's `tomcat_instances`, as the playbook's tasks read it. */
interface InstanceVar {
  home: string;
  jvmRoute: string;
  ports?: { http?: number };
  receiverPort?: number;
}

/** An instance's HTTP port and cluster receiver port, from the same variables the playbook uses. */
function ports(host: string, i: InstanceVar): { http: number; receiver: number } {
  const http = Number(i.ports?.http);
  const receiver = Number(i.receiverPort);
  if (!Number.isInteger(http) || !Number.isInteger(receiver)) {
    throw new UsageError(`${host}: tomcat_instances item ${i.jvmRoute ?? i.home} has no ports.http or receiverPort`, {
      hint: 'give every item of tomcat_instances `ports: { http: … }` and `receiverPort`, as the playbook does',
    });
  }
  return { http, receiver };
}

/** Every Tomcat instance and Apache of the inventory, as the playbook's first play sees them. */
export async function loadTargets(
  inventory: string | string[],
  playbook: string,
  extra: Record<string, unknown>,
  vault?: VaultKeyring,
): Promise<Targets> {
  const inv = await loadInventory(inventory, { playbookDir: dirname(playbook), vault });
  const pb = await loadPlaybook(playbook, await loadOperations());
  const play = pb.plays[0];
  if (!play) throw new UsageError(`${playbook} has no play`);
  const vars = playVars(inv, play, extra, [...inv.hosts.keys()]);
  const group = (name: string) => inv.groups.get(name)?.hosts ?? [];
  const instances: InstanceTarget[] = [];
  for (const host of group('tomcat')) {
    const v = vars[host]!;
    const list = (v.tomcat_instances ?? []) as InstanceVar[];
    for (const i of list) {
      const p = ports(host, i);
      instances.push({
        host,
        home: i.home,
        jvmRoute: i.jvmRoute,
        httpPort: p.http,
        receiver: `${String(v.cluster_address ?? v.ansible_host ?? host)}:${p.receiver}`,
      });
    }
  }
  const first = vars[group('tomcat')[0] ?? ''];
  const app = String(first?.app_name ?? 'counter.war').replace(/\.war$/, '');
  const checkPath = first?.tomcat_check_path;
  const path = typeof checkPath === 'string' && checkPath.startsWith('/') ? checkPath : app === 'ROOT' ? '/' : `/${app}/`;
  const apaches = group('apache').map((host) => {
    const v = vars[host]!;
    return { host, url: `http://${String(v.ansible_host ?? host)}:${Number(v.apache_listen ?? 80)}/` };
  });
  if (instances.length === 0)
    throw new UsageError(`no Tomcat instances in ${inventory}`, {
      hint: 'put the Tomcat hosts in a group `tomcat` (and Apache in `apache`), as the recipe playbook expects',
    });
  return { inv, instances, apaches, path, vars };
}
