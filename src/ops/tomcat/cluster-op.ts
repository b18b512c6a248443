/**
 * `tomcat_cluster`: the `<Cluster>` element and `<Engine jvmRoute>` in every Tomcat instance of a
 * host (recipe steps 6-7). All instances of the host are planned together so that clashes (same
 * receiver port, jvmRoute, HTTP/AJP/shutdown port) are refused before any change, with the traps
 * of real clusters (loopback-trap.ts, cluster-traps.ts), across hosts too.
 */
import type { Change } from '../../core/change.ts';
import { OperationError } from '../../core/errors.ts';
import { parseXml, find } from '../../xml/index.ts';
import { defineOperation, type PlanContext } from '../types.ts';
import type { ClusterSpec } from './cluster.ts';
import { fileRequest as fileReq, writeText } from '../kit.ts';
import { instancesOf, playInstances, textOf, INSTANCES_VAR, type InstanceRef } from './common.ts';
import { clusterOpSchema } from './schemas.ts';
import { ajpConnector, editServerXml, httpConnector } from './server-xml.ts';
import { versionFromFacts, versionRequest } from './version-fact.ts';
import { checkNotLoopback, loopbackFacts } from './loopback-trap.ts';
import { checkHostTraps, clusterAcross, trapFacts } from './cluster-traps.ts';

/** Arguments of `tomcat_cluster`. */
export interface TomcatClusterArgs {
  /** This host's instances (default: the host variable `instancesVar`). Each needs a jvmRoute. */
  instances?: Array<InstanceRef | string>;
  /**
   * Host variable listing each host's instances (default `tomcat_instances`); also read for every
   * play host to refuse duplicate jvmRoutes.
   */
  instancesVar?: string;
  /** The cluster element; the receiver port and address are per instance. */
  cluster?: ClusterSpec;
  /** Tomcat version (e.g. "10.1"); detected from the first instance's lib/catalina.jar when absent. */
  version?: string;
}

const serverXml = (home: string) => `${home}/conf/server.xml`;

function clash(what: string, ctx: PlanContext, hint: string): never {
  throw new OperationError(what, { hint });
}

/** Receiver port of the i-th instance of a host. */
export function receiverPort(inst: InstanceRef, i: number, cluster: ClusterSpec | undefined): number {
  return inst.receiverPort ?? (cluster?.receiver?.port ?? 4000) + i;
}

/** The address an instance's receiver binds (Tomcat's default: `auto`). */
function receiverAddress(inst: InstanceRef, args: TomcatClusterArgs): string {
  return inst.receiverAddress ?? args.cluster?.receiver?.address ?? 'auto';
}

function checkRoutes(list: InstanceRef[], args: TomcatClusterArgs, ctx: PlanContext): void {
  const seen = new Map<string, string>();
  for (const inst of list) {
    if (!inst.jvmRoute)
      clash(`${inst.home} has no jvmRoute`, ctx, 'give each instance a jvmRoute equal to its BalancerMember route, e.g. tomcat1');
    const prev = seen.get(inst.jvmRoute);
    if (prev)
      clash(`jvmRoute ${inst.jvmRoute} is used by ${prev} and ${inst.home} on ${ctx.host}`, ctx, 'each instance needs its own jvmRoute');
    seen.set(inst.jvmRoute, inst.home);
  }
  for (const { host, inst } of playInstances(ctx, args.instancesVar ?? INSTANCES_VAR)) {
    if (host !== ctx.host && inst.jvmRoute && seen.has(inst.jvmRoute)) {
      clash(
        `jvmRoute ${inst.jvmRoute} is used on ${ctx.host} (${seen.get(inst.jvmRoute)}) and on ${host} (${inst.home})`,
        ctx,
        'jvmRoutes must be unique across the cluster: sticky sessions route by them',
      );
    }
  }
}

function checkPorts(texts: Array<{ home: string; text: string; rx: number }>, ctx: PlanContext): void {
  const used = new Map<number, string>();
  const claim = (port: number | undefined, what: string) => {
    if (port === undefined || port < 0) return;
    const prev = used.get(port);
    if (prev)
      clash(
        `port ${port} is used by ${prev} and by ${what} on ${ctx.host}`,
        ctx,
        'give each instance its own ports (tomcat_instance ports: {offset: 1}) and receiver port (4000, 4001)',
      );
    used.set(port, what);
  };
  for (const { home, text, rx } of texts) {
    const doc = parseXml(text, serverXml(home));
    const n = (v: string | undefined) => (v && /^\d+$/.test(v) ? Number(v) : undefined);
    claim(n(find(doc, 'Server')?.attr('port')), `${home} (shutdown)`);
    claim(n(httpConnector(doc)?.attr('port')), `${home} (HTTP)`);
    claim(n(ajpConnector(doc)?.attr('port')), `${home} (AJP)`);
    claim(rx, `${home} (cluster receiver)`);
  }
}

export const tomcatCluster = defineOperation<TomcatClusterArgs>({
  name: 'tomcat_cluster',
  schema: clusterOpSchema,
  facts(args, ctx) {
    const list = instancesOf(args, ctx);
    const reqs = [...list.map((i) => fileReq(serverXml(i.home), true)), ...loopbackFacts(list.map((i) => receiverAddress(i, args)))];
    return [...(args.version ? reqs : [...reqs, versionRequest(list[0]!.home)]), ...trapFacts(list, args)];
  },
  plan(args, facts, ctx) {
    const list = instancesOf(args, ctx);
    checkRoutes(list, args, ctx);
    const version = versionFromFacts(args.version, list[0]!.home, facts, ctx);
    const files = list.map((inst, i) => {
      const f = facts.get(fileReq(serverXml(inst.home), true));
      return {
        inst,
        f,
        home: inst.home,
        rx: receiverPort(inst, i, args.cluster),
        text: textOf(f, 'server.xml; run tomcat_instance first', ctx),
      };
    });
    checkPorts(files, ctx);
    const warnings = checkHostTraps(list, facts, ctx);
    const changes: Change[] = [];
    for (const { inst, f, text, rx } of files) {
      const address = receiverAddress(inst, args);
      checkNotLoopback(address, serverXml(inst.home), facts, ctx);
      const members = args.cluster?.members;
      if (members && !members.some((m) => m.host === address && m.port === rx)) {
        clash(
          `${inst.home}: receiver ${address}:${rx} is not in the static member list`,
          ctx,
          "static membership needs each instance's receiverAddress (a real address, not auto) and port listed in cluster.members",
        );
      }
      const cluster: ClusterSpec = { ...args.cluster, receiver: { ...args.cluster?.receiver, port: rx, address } };
      const next = editServerXml(text, serverXml(inst.home), { jvmRoute: inst.jvmRoute, cluster, version });
      changes.push(
        ...writeText(
          serverXml(inst.home),
          text,
          next,
          f,
          `cluster (receiver ${rx}) and jvmRoute ${inst.jvmRoute} in ${serverXml(inst.home)}`,
        ),
      );
    }
    return { changes, okMessage: `cluster and jvmRoute already set in ${list.map((i) => serverXml(i.home)).join(', ')}`, warnings };
  },
  acrossHosts: clusterAcross,
});
