/**
 * `firewall` (like ansible.posix.firewalld, always permanent + immediate): open or close ports in
 * a firewalld zone, optionally only for one source address (a rich rule). Planned from the
 * `firewall` fact; one `firewall-reload` ends the plan when anything changed.
 */
import type { Change } from '../../core/change.ts';
import { fact } from '../../facts/types.ts';
import { defineOperation, type PlanContext } from '../types.ts';
import { fail, objectSchema } from './common.ts';
import { getFact } from './get-fact.ts';

export interface FirewallArgs {
  /** `4000/tcp`, `45564/udp`, `8000-8010/tcp`. */
  port?: string;
  ports?: string[];
  /** Default `public`. */
  zone?: string;
  /** Default enabled. */
  state?: 'enabled' | 'disabled';
  /** Allow only this IPv4 address or network (rich rule) instead of everyone. */
  source?: string;
}

const portSchema = { type: 'string', pattern: '^[0-9]{1,5}(-[0-9]{1,5})?/(tcp|udp|sctp|dccp)$' };

/** Hosts that have no firewalld set `firewall_backend: none`; the operation then does nothing. */
function disabledByVars(ctx: PlanContext): boolean {
  return ctx.vars.firewall_backend === 'none';
}

function portsOf(a: FirewallArgs): string[] {
  return [...new Set([...(a.port ? [a.port] : []), ...(a.ports ?? [])])];
}

/** Does a rich rule (as `--list-rich-rules` prints it) accept this port from this source? */
export function richRuleMatches(rule: string, port: string, source: string): boolean {
  const [num, proto] = port.split('/');
  return rule.includes(`source address="${source}"`) && rule.includes(`port port="${num}" protocol="${proto}"`) && /\baccept\b/.test(rule);
}

export const firewallOp = defineOperation<FirewallArgs>({
  name: 'firewall',
  schema: objectSchema(
    {
      port: portSchema,
      ports: { type: 'array', items: portSchema, minItems: 1 },
      zone: { type: 'string', pattern: '^[A-Za-z0-9_-]+$' },
      state: { enum: ['enabled', 'disabled'] },
      source: { type: 'string', pattern: '^[0-9]{1,3}(\\.[0-9]{1,3}){3}(/[0-9]{1,2})?$' },
    },
    [],
    { anyOf: [{ required: ['port'] }, { required: ['ports'] }], description: 'give port or ports' },
  ),
  facts(a, ctx) {
    return disabledByVars(ctx) ? [] : [fact.firewall(a.zone ?? 'public')];
  },
  plan(a, facts, ctx) {
    const zone = a.zone ?? 'public';
    if (disabledByVars(ctx))
      return { changes: [], okMessage: `firewall_backend is none on ${ctx.host}: ports ${portsOf(a).join(', ')} not managed` };
    const fw = getFact.firewall(facts, zone);
    const setNone = 'or set firewall_backend: none for this host if it has no firewalld';
    if (!fw.installed)
      fail(
        `firewalld is not installed on ${ctx.host}`,
        `install it (package: name: firewalld) and start it (service: name: firewalld state: started), ${setNone}`,
      );
    if (!fw.running)
      fail(
        `firewalld is not running on ${ctx.host}`,
        `start it in an earlier task (service: name: firewalld state: started enabled: true), ${setNone}`,
      );
    const enable = (a.state ?? 'enabled') === 'enabled';
    const changes: Change[] = [];
    const kept: string[] = [];
    for (const port of portsOf(a)) {
      const where = a.source ? `from ${a.source}` : `in zone ${zone}`;
      let present: boolean;
      let partly = false;
      if (a.source) {
        // Runtime rich rules are not in the fact; the permanent config decides.
        present = fw.richRules.some((r) => richRuleMatches(r, port, a.source as string));
      } else {
        const perm = fw.permanent.includes(port),
          run = fw.runtime.includes(port);
        present = enable ? perm && run : perm || run;
        partly = perm !== run;
      }
      if (present === enable) {
        kept.push(port);
        continue;
      }
      const verb = enable ? 'open' : 'close';
      changes.push({
        kind: 'firewall',
        zone,
        port,
        state: enable ? 'present' : 'absent',
        ...(a.source ? { source: a.source } : {}),
        summary: `${verb} ${port} ${where}${partly ? ' (permanent and runtime differ)' : ''}`,
      });
    }
    if (changes.length) changes.push({ kind: 'firewall-reload', summary: 'reload firewalld' });
    const state = enable ? 'open' : 'closed';
    return {
      changes,
      okMessage: `${kept.join(', ')} already ${state} ${a.source ? `from ${a.source} ` : ''}in zone ${zone} (permanent and runtime)`,
    };
  },
});
