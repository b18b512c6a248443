/** Pieces shared by the Tomcat operations: required file texts, instance lists (writes: `../kit.ts`). */
import { OperationError } from '../../core/errors.ts';
import type { FileFact } from '../../facts/types.ts';
import { requiredText } from '../kit.ts';
import type { PlanContext } from '../types.ts';

/** One Tomcat instance on a host, as listed in the `tomcat_instances` host variable. */
export interface InstanceRef {
  /** CATALINA_BASE of the instance, e.g. /opt/tomcat2. */
  home: string;
  /** Its `<Engine jvmRoute>` (= the BalancerMember route). */
  jvmRoute?: string;
  /** Its cluster Receiver port (default 4000 + its index on the host). */
  receiverPort?: number;
  /** Its cluster Receiver address (default: the cluster's, else `auto`). */
  receiverAddress?: string;
}

/** Default host variable listing a host's instances. */
export const INSTANCES_VAR = 'tomcat_instances';

/** Text content of a file fact, or an OperationError saying which file is missing. */
export function textOf(f: FileFact, what: string, ctx: PlanContext): string {
  return requiredText(
    f,
    `${f.path} (${what}) is missing on ${ctx.host}`,
    'check the path; a Tomcat home has conf/server.xml and bin/catalina.sh ' +
      '(Debian splits them: use the CATALINA_BASE, e.g. /var/lib/tomcat10)',
  );
}

function asInstances(v: unknown): InstanceRef[] | undefined {
  if (!Array.isArray(v)) return undefined;
  return v.map((x) => (typeof x === 'string' ? { home: x } : (x as InstanceRef)));
}

/** Instances of this task: its own list, else the host variable. */
export function instancesOf(args: { instances?: Array<InstanceRef | string>; instancesVar?: string }, ctx: PlanContext): InstanceRef[] {
  const list = asInstances(args.instances) ?? asInstances(ctx.vars[args.instancesVar ?? INSTANCES_VAR]);
  if (!list?.length) {
    throw new OperationError(`no Tomcat instances for ${ctx.host}`, {
      hint:
        `give instances: [...] or set the host variable ${args.instancesVar ?? INSTANCES_VAR}: ` +
        '[{home: /opt/tomcat, jvmRoute: tomcat1}]',
    });
  }
  return list;
}

/** Instances of every host of the play, from the host variable (hosts without it are left out). */
export function playInstances(ctx: PlanContext, varName = INSTANCES_VAR): Array<{ host: string; inst: InstanceRef }> {
  return ctx.playHosts.flatMap((h) => (asInstances(ctx.hostvars[h]?.[varName]) ?? []).map((inst) => ({ host: h, inst })));
}
