/**
 * A trap real clusters fall into: the cluster's instances serving different versions of the
 * application outside a rolling deploy (a run with --limit, a task on some instances only, a deploy
 * by hand). Sessions then move between versions that may not deserialize them, and users see
 * either. Compared on the WAR's checksum in each instance once the whole run is planned: a run
 * that deploys it everywhere (a rolling deploy) leaves them equal, and says nothing.
 */
import type { Facts } from '../../facts/types.ts';
import { fileRequest as fileReq } from '../kit.ts';
import type { PlanContext, PlannedOnHost } from '../types.ts';
import { instancesOf, INSTANCES_VAR, type InstanceRef } from './common.ts';

interface Args {
  instances?: Array<InstanceRef | string>;
  instancesVar?: string;
}

/** The task's instances and every other instance the host variable lists (compared too). */
export function warInstances(args: Args, ctx: PlanContext): InstanceRef[] {
  const own = instancesOf(args, ctx);
  const listed = ctx.vars[args.instancesVar ?? INSTANCES_VAR];
  const more = Array.isArray(listed) ? listed.map((x) => (typeof x === 'string' ? { home: x } : (x as InstanceRef))) : [];
  return [...own, ...more.filter((m) => m?.home && !own.some((o) => o.home === m.home))];
}

const shortSum = (s: string | null) => (s ? `sha256 ${s.slice(0, 12)}` : 'none');

/** A warning per WAR name (`nameOf` each planned item, a loop may deploy several) the instances end the run with different. */
export function appVersionWarnings<A extends Args>(planned: PlannedOnHost<A>[], nameOf: (args: A) => string): string[] {
  const byName = new Map<string, Map<string, string[]>>();
  for (const { args, ctx, facts } of planned) {
    const name = nameOf(args);
    const bySum = byName.get(name) ?? new Map<string, string[]>();
    byName.set(name, bySum);
    for (const inst of warInstances(args, ctx)) {
      const sum = sumOf(facts, `${inst.home}/webapps/${name}`);
      const where = `${ctx.host}:${inst.home}`;
      const list = bySum.get(sum) ?? [];
      if (!list.includes(where)) bySum.set(sum, [...list, where]);
    }
  }
  return [...byName].flatMap(([name, bySum]) => {
    if (bySum.size < 2) return [];
    const groups = [...bySum].map(([sum, where]) => `${where.join(', ')} (${sum === '' ? 'no WAR' : shortSum(sum)})`);
    return [
      `${name} differs between the cluster's instances and this run does not make them equal: ${groups.join('; ')}. ` +
        'Sessions replicated between different versions of an application may not deserialize, and users see either version: ' +
        'deploy it to every instance (the war task on every host, without --limit); its rolling restart changes one at a time',
    ];
  });
}

function sumOf(facts: Facts, path: string): string {
  const f = facts.get(fileReq(path));
  return f.exists ? (f.sha256 ?? '') : '';
}
