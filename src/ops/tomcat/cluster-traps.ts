/**
 * The traps `tomcat_cluster` catches before any change. On each host: a `<Manager>` in the
 * contexts' defaults (conf/context.xml, where people uncomment `<Manager pathname="" />`, and the
 * host's context.xml.default) turns replication off for every application (refused); hand-deployed
 * applications that are not distributable or carry their own manager (warned). Across the hosts of
 * one cluster: Tomcat majors mixed (refused: javax 9 and jakarta 10+ do not share an application or
 * its sessions), and DeltaManager with more than 4 members (warned: all-to-all replication).
 */
import { OperationError } from '../../core/errors.ts';
import type { FactRequest, Facts } from '../../facts/types.ts';
import { fileRequest as fileReq, textIfFile } from '../kit.ts';
import type { PlanContext, PlannedOnHost } from '../types.ts';
import type { ClusterSpec } from './cluster.ts';
import { instancesOf, type InstanceRef } from './common.ts';
import { handDeployedWarnings } from './distributable-trap.ts';
import { checkOwnManager, contextFiles } from './manager-trap.ts';
import { parseTomcatVersion, parseVersionArg, type TomcatVersion } from './version.ts';
import { versionRequest } from './version-fact.ts';
import { explodedAppsRequest } from './webapps-fact.ts';

interface Args {
  instances?: Array<InstanceRef | string>;
  instancesVar?: string;
  cluster?: ClusterSpec;
  version?: string;
}

/** Tomcat's own advice: DeltaManager "works great for small clusters, not recommended for large clusters (over 4 nodes)". */
export const DELTA_MANAGER_MAX = 4;

/** The facts the traps read for the instances of a host. */
export function trapFacts(list: InstanceRef[], args: Args): FactRequest[] {
  return list.flatMap((i) => [
    fileReq(contextFiles.global(i.home), true),
    fileReq(contextFiles.hostDefault(i.home), true),
    explodedAppsRequest(i.home),
    ...(args.version ? [] : [versionRequest(i.home)]),
  ]);
}

/** Refuse an own `<Manager>` in the contexts' defaults; warnings for hand-deployed applications. */
export function checkHostTraps(list: InstanceRef[], facts: Facts, ctx: PlanContext): string[] {
  const warnings: string[] = [];
  for (const { home } of list) {
    for (const file of [contextFiles.global(home), contextFiles.hostDefault(home)]) {
      checkOwnManager(textIfFile(facts.get(fileReq(file, true))), file, `every application of ${home}`, ctx);
    }
    warnings.push(...handDeployedWarnings(home, facts, ctx));
  }
  return warnings;
}

/** Which cluster a host's instances join: by name, else by their membership. */
function clusterKey(c: ClusterSpec | undefined): string {
  if (c?.name) return `cluster ${c.name}`;
  if (c?.members) return `the static cluster of ${c.members.map((m) => `${m.host}:${m.port}`).join(', ')}`;
  return `the multicast cluster ${c?.membership?.address ?? '228.0.0.4'}:${c?.membership?.port ?? 45564}`;
}

interface Member {
  where: string;
  version: TomcatVersion | null;
}

function membersOf({ args, ctx, facts }: PlannedOnHost<Args>): Member[] {
  const given = args.version !== undefined ? parseVersionArg(args.version) : null;
  // A copy not made yet reads as no version: its source instance speaks for it.
  return instancesOf(args, ctx).map((i) => ({
    where: `${ctx.host}:${i.home}`,
    version: given ?? parseTomcatVersion(facts.get(versionRequest(i.home)).stdout),
  }));
}

const namespace = (major: number) => (major <= 9 ? 'javax.servlet' : 'jakarta.servlet');

/** The check across the hosts of each cluster: one Tomcat major; DeltaManager up to 4 members. */
export function clusterAcross(planned: PlannedOnHost<Args>[]): string[] {
  const clusters = new Map<string, { members: Member[]; manager: string }>();
  for (const p of planned) {
    const key = clusterKey(p.args.cluster);
    const c = clusters.get(key) ?? { members: [], manager: p.args.cluster?.manager ?? 'DeltaManager' };
    c.members.push(...membersOf(p));
    clusters.set(key, c);
  }
  const warnings: string[] = [];
  for (const [key, { members, manager }] of clusters) {
    const byMajor = new Map<number, Member[]>();
    for (const m of members) if (m.version) byMajor.set(m.version.major, [...(byMajor.get(m.version.major) ?? []), m]);
    if (byMajor.size > 1) {
      const majors = [...byMajor.keys()].sort((a, b) => a - b);
      const list = majors.map(
        (v) =>
          `Tomcat ${v} on ${byMajor
            .get(v)!
            .map((m) => `${m.where} (${m.version!.text})`)
            .join(', ')}`,
      );
      const split = new Set(majors.map(namespace)).size > 1 ? ` (${majors.map((v) => `${v}: ${namespace(v)}`).join(', ')})` : '';
      throw new OperationError(
        `${key} mixes Tomcat majors: ${list.join('; ')}${split}: ` +
          'one application cannot run on both, and sessions do not replicate between different majors',
        {
          hint:
            'run one Tomcat major on every instance of a cluster (upgrade all of them), or make them two clusters ' +
            '(another cluster name and multicast port, cluster_mcast_port in the recipe)',
        },
      );
    }
    if (manager === 'DeltaManager' && members.length > DELTA_MANAGER_MAX) {
      warnings.push(
        `${key} has ${members.length} members with DeltaManager, which copies every session to every member: ` +
          `past ${DELTA_MANAGER_MAX} members its traffic and memory grow with each one; ` +
          'BackupManager keeps one backup copy per session: set manager: BackupManager in the cluster settings ' +
          '(the recipe: -e cluster_manager=BackupManager)',
      );
    }
  }
  return warnings;
}
