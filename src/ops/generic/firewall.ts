/**
 * `firewall` (like ansible.posix.firewalld, always permanent + immediate): open or close ports in
 * a firewalld zone, optionally only for one source address (a rich rule). Planned from the
 * `firewall` fact; one `firewall-reload` ends the plan when anything changed.
 */
import type { Change } from '../../core/change.ts';
import { managedSetPath } from '../../core/state-dir.ts';
import { fact } from '../../facts/types.ts';
import { fileFact, writeText } from '../kit.ts';
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
  /**
   * A name for the ports this task opens. provision records them on the host; a later run of a
   * task with the same name closes those it opened before and no longer asks for (a changed
   * multicast port, static membership). Ports it did not open are never closed.
   */
  managed?: string;
  /** ansible.posix.firewalld's flags: provision always does both, so only `true` is accepted. */
  permanent?: true;
  immediate?: true;
}

/** The managed set's file of a task: one per name, zone and source. */
function managedFile(a: FirewallArgs): string {
  return managedSetPath('firewall', `${a.managed}.${a.zone ?? 'public'}${a.source ? `.${a.source.replace('/', '_')}` : ''}`);
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

/**
 * Close what this managed set opened before and no longer asks for (if still open), and record the
 * new set. The record is written after the ports change, in the same journaled batch.
 */
function converge(
  a: FirewallArgs,
  wanted: string[],
  fw: ReturnType<typeof getFact.firewall>,
  facts: Parameters<typeof getFact.firewall>[0],
  zone: string,
): Change[] {
  const path = managedFile(a);
  const f = fileFact(facts, path, true);
  const before = f.exists && f.content ? f.content.toString('utf8') : null;
  let previous: string[] = [];
  try {
    const doc = before ? (JSON.parse(before) as { ports?: unknown }) : {};
    previous = Array.isArray(doc.ports) ? doc.ports.filter((p): p is string => typeof p === 'string') : [];
  } catch {
    fail(`${path} is not the JSON provision writes`, `remove it (it only records which ports the task "${a.managed}" opened)`);
  }
  const changes: Change[] = [];
  const where = a.source ? `from ${a.source}` : `in zone ${zone}`;
  for (const port of previous.filter((p) => !wanted.includes(p))) {
    const open = a.source
      ? fw.richRules.some((r) => richRuleMatches(r, port, a.source as string))
      : fw.permanent.includes(port) || fw.runtime.includes(port);
    if (!open) continue;
    changes.push({
      kind: 'firewall',
      zone,
      port,
      state: 'absent',
      ...(a.source ? { source: a.source } : {}),
      summary: `close ${port} ${where} (opened by an earlier run of "${a.managed}", no longer asked for)`,
    });
  }
  const record = { managedBy: 'provision', task: a.managed, zone, ...(a.source ? { source: a.source } : {}), ports: [...wanted].sort() };
  const after = `${JSON.stringify(record)}\n`;
  changes.push(...writeText(path, before, after, f.exists ? f : { ...f, mode: 0o644 }, `record the ports of "${a.managed}" in ${path}`));
  return changes;
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
      managed: { type: 'string', pattern: '^[A-Za-z0-9_-]+$' },
      // Always permanent and runtime: a port open in only one of them is a surprise on the next reload or reboot.
      permanent: { const: true, description: 'provision always changes both the permanent and the runtime configuration' },
      immediate: { const: true, description: 'provision always changes both the permanent and the runtime configuration' },
    },
    [],
    { anyOf: [{ required: ['port'] }, { required: ['ports'] }], description: 'give port or ports' },
  ),
  facts(a, ctx) {
    if (disabledByVars(ctx)) return [];
    return [fact.firewall(a.zone ?? 'public'), ...(a.managed ? [fact.file(managedFile(a), true)] : [])];
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
    if (a.managed && enable) changes.push(...converge(a, portsOf(a), fw, facts, zone));
    if (changes.some((c) => c.kind === 'firewall')) changes.push({ kind: 'firewall-reload', summary: 'reload firewalld' });
    const state = enable ? 'open' : 'closed';
    return {
      changes,
      okMessage: `${kept.join(', ')} already ${state} ${a.source ? `from ${a.source} ` : ''}in zone ${zone} (permanent and runtime)`,
    };
  },
});
