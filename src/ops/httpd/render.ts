/** Renders the balancer `<VirtualHost>` and checks its inputs, since they land in Apache config. */
import { OperationError } from '../../core/errors.ts';
import type { ApacheModule } from './modules.ts';

export interface MemberSpec {
  /** Host or address of the Tomcat (IPv6 without brackets). */
  host: string;
  /** Its AJP or HTTP connector port. */
  port: number;
  /** The Tomcat's `jvmRoute`; distinct per member. */
  route: string;
  /** `ajp` (mod_proxy_ajp) or `http` (mod_proxy_http). */
  protocol: 'ajp' | 'http';
  /** The AJP connector's `secret` (Tomcat 9.0.31+ requires one unless secretRequired="false"). */
  secret?: string;
}

/** `hcmethod` values of mod_proxy_hcheck this operation writes: HTTP requests, a TCP connect, or AJP's CPING. */
export type HealthMethod = 'GET' | 'HEAD' | 'OPTIONS' | 'TCP' | 'CPING';

/** mod_proxy_hcheck's active health check of every member. */
export interface HealthCheck {
  /** Unset: GET for HTTP members, CPING for AJP members. */
  method?: HealthMethod;
  /** Path requested by GET/HEAD/OPTIONS (`hcuri`), relative to the member URL. */
  uri: string;
  /** Seconds between checks (`hcinterval`). */
  interval: number;
}

export interface BalancerSpec {
  /** Balancer name: `balancer://<name>`. */
  name: string;
  members: MemberSpec[];
  /** URL path proxied, e.g. `/` or `/app/`; the same path is requested from Tomcat. */
  path: string;
  /** Session cookie / path parameter names for stickiness. */
  stickysession: string;
  /** Seconds a failed member is kept out (Apache's default is 60). */
  retry: number;
  /** Port of the `<VirtualHost *:port>`. */
  port: number;
  /** ServerName of the vhost; without it the vhost answers by being the first one for the port. */
  serverName?: string;
  /** Add `Listen <port>` (when no Listen for it exists elsewhere). */
  listen?: boolean;
  /** Load these modules inside `<IfModule !id>` guards (packaged layouts that get a conf.d file). */
  guardedModules?: ApacheModule[];
  /** Directory the guarded LoadModule paths are relative to (`modules`). */
  modulesDir?: string;
  /**
   * URL path of mod_proxy_balancer's balancer-manager in this vhost, answering only requests from
   * the Apache host itself (`Require local`): how rolling restarts drain a member without an
   * Apache restart. Unset: none.
   */
  manager?: string;
  /** Active health checks (mod_proxy_hcheck) on every member. */
  healthCheck?: HealthCheck;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const HOST = /^(?:[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*)$/;
const PATH = /^\/[A-Za-z0-9._~\/-]*$/;
/** Printable, no spaces; no quotes, backslash or `$` (Apache expands `${VAR}` in every line). */
const TOKEN = /^[!#%&(-[\]-~]+$/;

function bad(message: string, hint: string): never {
  throw new OperationError(message, { hint });
}

/** Throws OperationError for input that would be invalid or unsafe in the config, or duplicate routes. */
export function validateBalancer(spec: BalancerSpec): void {
  if (!NAME.test(spec.name)) bad(`balancer name "${spec.name}" is not valid`, 'use letters, digits, ".", "_", "-"');
  if (!PATH.test(spec.path)) bad(`path "${spec.path}" is not valid`, 'give a URL path that starts with "/", e.g. "/" or "/app/"');
  if (!/^[A-Za-z0-9_|-]+$/.test(spec.stickysession))
    bad(`stickysession "${spec.stickysession}" is not valid`, 'e.g. "JSESSIONID|jsessionid"');
  if (spec.serverName !== undefined && !/^[A-Za-z0-9*.-]+(?::\d+)?$/.test(spec.serverName)) {
    bad(`server_name "${spec.serverName}" is not a host name`, 'e.g. "www.example.com"');
  }
  if (spec.manager !== undefined && !PATH.test(spec.manager))
    bad(`manager path "${spec.manager}" is not valid`, 'give a URL path that starts with "/", e.g. "/balancer-manager"');
  if (spec.healthCheck && !PATH.test(spec.healthCheck.uri))
    bad(`health_check uri "${spec.healthCheck.uri}" is not valid`, 'give a URL path that starts with "/", e.g. "/counter/"');
  if (spec.members.length === 0) bad('the balancer has no members', 'list one member per Tomcat instance');
  const seen = new Map<string, string>();
  for (const m of spec.members) {
    const where = `${m.host}:${m.port}`;
    if (!HOST.test(m.host)) bad(`member host "${m.host}" is not a host name or address`, 'e.g. "10.0.0.5" or "app1.internal"');
    if (!NAME.test(m.route))
      bad(`route "${m.route}" of ${where} is not valid`, 'use the Tomcat\'s jvmRoute: letters, digits, ".", "_", "-"');
    if (m.secret !== undefined && !TOKEN.test(m.secret))
      bad(
        `the AJP secret of ${where} contains spaces, quotes, \\, $ or control characters`,
        'use a secret of printable ASCII without spaces, quotes, \\ or $',
      );
    if (m.secret !== undefined && m.protocol !== 'ajp')
      bad(`member ${where} has a secret but speaks ${m.protocol}`, 'a secret applies only to protocol: ajp');
    const method = spec.healthCheck ? healthMethod(spec.healthCheck, m) : undefined;
    if (method && method !== 'TCP' && (method === 'CPING') !== (m.protocol === 'ajp'))
      bad(
        `health_check method ${method} cannot check ${where}, which speaks ${m.protocol}`,
        'leave method unset (GET for http members, CPING for ajp members) or use TCP',
      );
    const other = seen.get(m.route);
    if (other) {
      bad(
        `route "${m.route}" is used by both ${other} and ${where}`,
        "each member needs its own route, equal to that Tomcat's jvmRoute (e.g. tomcat1, tomcat2)",
      );
    }
    seen.set(m.route, where);
  }
}

/** The check a member gets: the one asked for, else GET over HTTP and CPING over AJP. */
export function healthMethod(h: HealthCheck, m: MemberSpec): HealthMethod {
  if (h.method) return h.method;
  return m.protocol === 'ajp' ? 'CPING' : 'GET';
}

function healthParams(h: HealthCheck | undefined, m: MemberSpec): string {
  if (!h) return '';
  const method = healthMethod(h, m);
  const uri = method === 'GET' || method === 'HEAD' || method === 'OPTIONS' ? ` hcuri=${h.uri}` : '';
  return ` hcmethod=${method}${uri} hcinterval=${h.interval}`;
}

function memberUrl(m: MemberSpec): string {
  const host = m.host.includes(':') ? `[${m.host}]` : m.host;
  return `${m.protocol}://${host}:${m.port}`;
}

/** The `<VirtualHost>` (and guarded LoadModule / Listen lines when asked), lines joined by `\n`. */
export function renderBalancerBlock(spec: BalancerSpec): string {
  const out: string[] = [];
  for (const m of spec.guardedModules ?? []) {
    out.push(`<IfModule !${m.id}>`, `    LoadModule ${m.id} ${spec.modulesDir ?? 'modules'}/${m.file}`, '</IfModule>');
  }
  if (spec.listen) out.push(`Listen ${spec.port}`);
  out.push(`<VirtualHost *:${spec.port}>`);
  if (spec.serverName) out.push(`    ServerName ${spec.serverName}`);
  out.push(`    <Proxy "balancer://${spec.name}">`);
  for (const m of spec.members) {
    const secret = m.secret !== undefined ? ` secret=${m.secret}` : '';
    out.push(`        BalancerMember "${memberUrl(m)}" route=${m.route} retry=${spec.retry}${secret}${healthParams(spec.healthCheck, m)}`);
  }
  out.push('    </Proxy>');
  if (spec.manager) {
    out.push(`    <Location "${spec.manager}">`, '        SetHandler balancer-manager', '        Require local', '    </Location>');
    out.push(`    ProxyPass "${spec.manager}" "!"`);
  }
  const target = `balancer://${spec.name}${spec.path}`;
  out.push(`    ProxyPass "${spec.path}" "${target}" stickysession=${spec.stickysession}`);
  out.push(`    ProxyPassReverse "${spec.path}" "${target}"`);
  out.push('</VirtualHost>');
  return out.join('\n');
}
