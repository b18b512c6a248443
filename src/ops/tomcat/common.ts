/** Pieces shared by the Tomcat operations: file writes with masked diffs, instance lists. */
import { makeMasker } from '../../core/mask.ts';
import type { Change } from '../../core/change.ts';
import { OperationError } from '../../core/errors.ts';
import type { FileFact } from '../../facts/types.ts';
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

/** Replace each secret by asterisks (diffs are shown and journaled). */
export function mask(text: string | null, secrets: Array<string | undefined>): string | null {
  return text === null ? null : makeMasker(secrets)(text);
}

/** A `write` Change keeping the file's mode (and owner) as the fact reports them. */
export function writeText(path: string, before: string | null, after: string, like: FileFact | undefined, summary: string, secrets: Array<string | undefined> = []): Change {
  return {
    kind: 'write',
    summary,
    path,
    content: Buffer.from(after, 'utf8'),
    ...(like?.mode != null ? { mode: like.mode } : {}),
    ...(like?.owner ? { owner: like.owner } : {}),
    ...(like?.group ? { group: like.group } : {}),
    diff: { path, before: mask(before, secrets), after: mask(after, secrets) },
  };
}

/** Text content of a file fact, or an OperationError saying which file is missing. */
export function textOf(f: FileFact, what: string, ctx: PlanContext): string {
  if (!f.exists || f.type !== 'file' || !f.content) {
    throw new OperationError(`${f.path} (${what}) is missing on ${ctx.host}`, {
      host: ctx.host,
      hint: `check the path; a Tomcat home has conf/server.xml and bin/catalina.sh (Debian splits them: use the CATALINA_BASE, e.g. /var/lib/tomcat10)`,
    });
  }
  return f.content.toString('utf8');
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
      host: ctx.host,
      hint: `give instances: [...] or set the host variable ${args.instancesVar ?? INSTANCES_VAR}: [{home: /opt/tomcat, jvmRoute: tomcat1}]`,
    });
  }
  return list;
}

/** Instances of every host of the play, from the host variable (hosts without it are left out). */
export function playInstances(ctx: PlanContext, varName = INSTANCES_VAR): Array<{ host: string; inst: InstanceRef }> {
  return ctx.playHosts.flatMap((h) => (asInstances(ctx.hostvars[h]?.[varName]) ?? []).map((inst) => ({ host: h, inst })));
}

/** A typed file request (same key as `fact.file`). */
export function fileReq(path: string, content = false): { type: 'file'; path: string; content?: boolean } {
  return content ? { type: 'file', path, content: true } : { type: 'file', path };
}
