/** The variables a play's tasks see on each host. */
import type { Inventory } from '../inventory/types.ts';
import type { TaskScope } from '../playbook/types.ts';
import { scope } from './lazy-vars.ts';

type Vars = Record<string, unknown>;

/** One host's variables of a play by layer, for tasks that add their own (a role's, a block's: `taskVars`). */
export interface HostLayers {
  defaults: Vars;
  inventory: Vars;
  play: Vars;
  /** Extra vars and the magic variables: above everything. */
  top: Vars;
}

/** The layers `playVars` merged for each host, by host name (a WeakMap key: the host's merged scope). */
const layersOf = new WeakMap<object, HostLayers>();

/**
 * The variables of a task with its own scope (a role's defaults and vars, block and task vars, role
 * parameters), in Ansible's order: play and role defaults < the role's own defaults < inventory <
 * play vars < roles' vars < the role's own vars < block and task vars < role params < extra vars.
 */
export function taskVars(hostScope: Vars, s: TaskScope | undefined): Vars {
  const l = s && layersOf.get(hostScope);
  if (!s || !l) return hostScope;
  return scope({ ...l.defaults, ...s.defaults, ...l.inventory, ...l.play, ...s.roleVars, ...s.vars, ...s.params, ...l.top });
}

/** Extra vars and the magic variables of a host's merged scope: what set_fact and register never override. */
export function topVars(hostScope: Vars): Vars {
  return layersOf.get(hostScope)?.top ?? {};
}

/**
 * Variables of every inventory host for one play: play (and role) defaults < inventory < play vars
 * < role vars < extra vars, plus Ansible's magic variables. `hostvars` holds every host's resolved variables.
 */
export function playVars(inv: Inventory, play: { defaults: Vars; vars: Vars; roleVars?: Vars }, extra: Vars, playHosts: string[]) {
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
    const l: HostLayers = {
      defaults: play.defaults,
      inventory: h.vars,
      play: { ...play.vars, ...play.roleVars },
      top: { ...extra, ...magic },
    };
    hostvars[h.name] = scope({ ...l.defaults, ...l.inventory, ...l.play, ...l.top });
    layersOf.set(hostvars[h.name]!, l);
  }
  return hostvars;
}
