/**
 * The recipe's `<Cluster>` element (step 6), built for the installed Tomcat: class names differ by
 * version (Tomcat 7's MessageDispatch15Interceptor stops 10.1 from starting; static membership is
 * a Membership service from 9.0.17 on and an interceptor before).
 */
import { createHash } from 'node:crypto';
import { escapeAttr } from '../../xml/text.ts';
import { atLeast, type TomcatVersion } from './version.ts';

/** One member of a static cluster. */
export interface StaticMemberSpec {
  /** Address the member's Receiver listens on (must be a concrete address, not `auto`). */
  host: string;
  /** The member's Receiver port. */
  port: number;
  /** `{0,1,…,15}` (16 bytes); derived from host:port when absent. */
  uniqueId?: string;
}

/** What the `<Cluster>` looks like. Defaults are the recipe's. */
export interface ClusterSpec {
  /** Cluster name, to group instances when validating a play (not written to server.xml). */
  name?: string;
  /** SimpleTcpCluster channelSendOptions (default 8: asynchronous). */
  channelSendOptions?: number;
  /** Session manager (default DeltaManager: all-to-all replication). */
  manager?: 'DeltaManager' | 'BackupManager';
  /** Multicast membership (ignored when `members` is given). */
  membership?: { address?: string; port?: number; frequency?: number; dropTime?: number; bind?: string };
  /** Static membership: every member of the cluster, this instance included. */
  members?: StaticMemberSpec[];
  /** Receiver of this instance (default address `auto`, port 4000, autoBind 100). */
  receiver?: { address?: string; port?: number; autoBind?: number; selectorTimeout?: number; maxThreads?: number };
  /**
   * Include the recipe's FarmWarDeployer (default false: it only works in a Host-level cluster; in
   * an Engine it logs SEVERE at startup).
   */
  farmDeployer?: boolean;
}

const TRIBES = 'org.apache.catalina.tribes';

/** Deterministic 16-byte id for a member (bytes kept in 0..127: Tomcat parses them as Java bytes). */
export function memberUniqueId(host: string, port: number): string {
  const bytes = [...createHash('sha256').update(`${host}:${port}`).digest().subarray(0, 16)];
  return `{${bytes.map((b) => b & 0x7f).join(',')}}`;
}

function tag(name: string, attrs: Record<string, string | number | undefined>, children?: string[]): string {
  const a = Object.entries(attrs)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => ` ${k}="${escapeAttr(String(v))}"`)
    .join('');
  if (!children?.length) return `<${name}${a}/>`;
  const inner = children.flatMap((c) => c.split('\n').map((l) => '  ' + l));
  return [`<${name}${a}>`, ...inner, `</${name}>`].join('\n');
}

function member(kind: 'Member' | 'LocalMember', m: StaticMemberSpec): string {
  return tag(kind, {
    className: `${TRIBES}.membership.StaticMember`,
    port: m.port,
    host: m.host,
    uniqueId: m.uniqueId ?? memberUniqueId(m.host, m.port),
  });
}

/** Does this version have StaticMembershipService with an all-members list (9.0.17+)? */
export function hasStaticMembershipService(v: TomcatVersion): boolean {
  return atLeast(v, 9, 0, 17);
}

/**
 * The `<Cluster>` element text (2-space indentation, column 0). For the legacy static form the
 * member equal to this instance's receiver (address and port) is left out of the interceptor's list.
 */
export function buildClusterXml(spec: ClusterSpec, v: TomcatVersion): string {
  const mgr = spec.manager ?? 'DeltaManager';
  const manager =
    mgr === 'DeltaManager'
      ? tag('Manager', {
          className: 'org.apache.catalina.ha.session.DeltaManager',
          expireSessionsOnShutdown: 'false',
          notifyListenersOnReplication: 'true',
        })
      : tag('Manager', {
          className: 'org.apache.catalina.ha.session.BackupManager',
          expireSessionsOnShutdown: 'false',
          notifyListenersOnReplication: 'true',
          mapSendOptions: 6,
        });
  const r = spec.receiver ?? {};
  const rx = { address: r.address ?? 'auto', port: r.port ?? 4000 };
  const mc = spec.membership ?? {};
  const mcast = tag('Membership', {
    className: `${TRIBES}.membership.McastService`,
    address: mc.address ?? '228.0.0.4',
    port: mc.port ?? 45564,
    frequency: mc.frequency ?? 500,
    dropTime: mc.dropTime ?? 3000,
    bind: mc.bind,
  });
  const members = spec.members;
  const modern = hasStaticMembershipService(v);
  const channel: string[] = [];
  if (!members) channel.push(mcast);
  else if (modern)
    channel.push(
      tag(
        'Membership',
        { className: `${TRIBES}.membership.StaticMembershipService` },
        members.map((m) => member('Member', m)),
      ),
    );
  else channel.push(mcast);
  channel.push(
    tag('Receiver', {
      className: `${TRIBES}.transport.nio.NioReceiver`,
      address: rx.address,
      port: rx.port,
      autoBind: r.autoBind ?? 100,
      selectorTimeout: r.selectorTimeout ?? 5000,
      maxThreads: r.maxThreads ?? 6,
    }),
    tag('Sender', { className: `${TRIBES}.transport.ReplicationTransmitter` }, [
      tag('Transport', { className: `${TRIBES}.transport.nio.PooledParallelSender` }),
    ]),
  );
  const ic = (name: string, attrs: Record<string, string> = {}, kids?: string[]) =>
    tag('Interceptor', { className: `${TRIBES}.group.interceptors.${name}`, ...attrs }, kids);
  if (members && !modern) channel.push(ic('TcpPingInterceptor', { staticOnly: 'true' }));
  channel.push(ic('TcpFailureDetector'));
  // MessageDispatch15Interceptor is Tomcat 7's name; 8.5+ only knows MessageDispatchInterceptor.
  channel.push(ic(v.major <= 7 ? 'MessageDispatch15Interceptor' : 'MessageDispatchInterceptor'));
  if (members && !modern) {
    const others = members.filter((m) => !(m.port === rx.port && m.host === rx.address));
    channel.push(
      ic(
        'StaticMembershipInterceptor',
        {},
        others.map((m) => member('Member', m)),
      ),
    );
  }
  const children = [
    manager,
    tag('Channel', { className: `${TRIBES}.group.GroupChannel` }, channel),
    tag('Valve', { className: 'org.apache.catalina.ha.tcp.ReplicationValve', filter: '' }),
    tag('Valve', { className: 'org.apache.catalina.ha.session.JvmRouteBinderValve' }),
  ];
  if (spec.farmDeployer ?? false) {
    children.push(
      tag('Deployer', {
        className: 'org.apache.catalina.ha.deploy.FarmWarDeployer',
        tempDir: '/tmp/war-temp/',
        deployDir: '/tmp/war-deploy/',
        watchDir: '/tmp/war-listen/',
        watchEnabled: 'false',
      }),
    );
  }
  children.push(tag('ClusterListener', { className: 'org.apache.catalina.ha.session.ClusterSessionListener' }));
  return tag(
    'Cluster',
    { className: 'org.apache.catalina.ha.tcp.SimpleTcpCluster', channelSendOptions: spec.channelSendOptions ?? 8 },
    children,
  );
}
