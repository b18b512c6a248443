/** The variables a play's tasks see on each host. */
import type { Inventory } from '../inventory/types.ts';
import { scope } from './lazy-vars.ts';

/**
 * Variables of every inventory host for one play: play defaults < inventory < play vars < extra
 * vars, plus Ansible's magic variables. `hostvars` holds every host's resolved variables.
 */
export function playVars(
  inv: Inventory,
  play: { defaults: Record<string, unknown>; vars: Record<string, unknown> },
  extra: Record<string, unknown>,
  playHosts: string[],
) {
  const groups = Object.fromEntries([...inv.groups.values()].map((g) => [g.name, g.hosts]));
  const hostvars: Record<string, Record<string, unknown>> = {};
  for (const h of inv.hosts.values()) {
    const magic = {
      inventory_hostname: h.name,
      group_names: h.groups.filter((g) => g !== 'all' && g !== 'ungrouped'),
      groups,
      play_hosts: playHosts,
      hostvars,
    };
    hostvars[h.name] = scope({ ...play.defaults, ...h.vars, ...play.vars, ...extra, ...magic });
  }
  return hostvars;
}
