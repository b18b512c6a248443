/**
 * `httpd_balancer`: Apache httpd in front of Tomcat instances (recipe steps 4–5). Enables the proxy
 * modules and the vhosts Include, and writes a `<VirtualHost>` with a `<Proxy balancer://NAME>`
 * holding one `BalancerMember` per Tomcat (`route` = its jvmRoute), sticky on JSESSIONID.
 *
 * The whole config can only be tested once every file is written, so this operation does not
 * test it per file: the reload that follows carries `check: configTestCommand(...)` (or set
 * `reload: true` here to append that checked reload), so Apache never loads a config that fails
 * `httpd -t`. See docs/ops-httpd.md.
 */
import type { Change } from '../../core/change.ts';
import { OperationError } from '../../core/errors.ts';
import type { FactRequest, Facts } from '../../facts/types.ts';
import { secret } from '../kit.ts';
import { defineOperation, type Plan, type PlanContext } from '../types.ts';
import {
  apacheService,
  candidateLayouts,
  configTestCommand,
  detectionFacts,
  detectLayout,
  layoutHome,
  LAYOUTS,
  type ApacheLayout,
  type LayoutChoice,
} from './layout.ts';
import { managerUrl } from '../../host/balancer-script.ts';
import { requiredModules } from './modules.ts';
import { layoutFacts, planLayout } from './plan-layouts.ts';
import { validateBalancer, type BalancerSpec, type MemberSpec } from './render.ts';

/** Seconds a failed member stays out. Apache's default is 60: a restarted Tomcat would get no traffic for a minute. */
export const DEFAULT_RETRY = 5;
export const DEFAULT_STICKYSESSION = 'JSESSIONID|jsessionid';
/** Where balancer-manager answers (loopback only) for rolling restarts. */
export const DEFAULT_MANAGER = '/balancer-manager';

export interface HttpdBalancerArgs {
  /** Balancer name (`balancer://<name>`); also names our marked block and drop-in file. */
  name: string;
  /** One per Tomcat instance. `protocol` defaults to `ajp`. */
  members: Array<Omit<MemberSpec, 'protocol'> & { protocol?: 'ajp' | 'http' }>;
  /** URL path to proxy (default `/`); the same path is requested from Tomcat. */
  path?: string;
  /** Default `JSESSIONID|jsessionid` (cookie, then `;jsessionid=` path parameter). */
  stickysession?: string;
  /** Seconds a failed member stays out (default 5; Apache's own default is 60). */
  retry?: number;
  /** `source`, `rhel` or `debian`; default: host var `apache_layout`, else detected. */
  layout?: ApacheLayout;
  /** ServerRoot of a source build (default: host var `apache_home`, else /usr/local/apache2). Implies `layout: source`. */
  apache_home?: string;
  /** ServerName of the vhost; without it the vhost answers as the first one on its port. */
  server_name?: string;
  /** Port of `<VirtualHost *:port>` (default 80); a `Listen` is added when none exists for it. */
  listen?: number;
  /** httpd/apache2/apachectl binary for the config test (default per layout). */
  apache_bin?: string;
  /** Config test command, instead of the layout's default (`httpd -t`). */
  check?: string;
  /** Append a reload of Apache, guarded by the config test, when anything changed. Default false. */
  reload?: boolean;
  /**
   * Path of balancer-manager in the vhost, reachable only from the Apache host (default
   * `/balancer-manager`; `false`: none). Rolling restarts drain members through it.
   */
  manager?: string | false;
}

const str = { type: 'string', minLength: 1 };
const port = { type: 'integer', minimum: 1, maximum: 65535 };

export const httpdBalancerSchema: Record<string, unknown> = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'members'],
  properties: {
    name: str,
    members: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['host', 'port', 'route'],
        properties: { host: str, port, route: str, protocol: { enum: ['ajp', 'http'] }, secret: secret(str) },
      },
    },
    path: str,
    stickysession: str,
    retry: { type: 'integer', minimum: 0 },
    layout: { enum: [...LAYOUTS] },
    apache_home: str,
    server_name: str,
    listen: port,
    apache_bin: str,
    check: str,
    reload: { type: 'boolean' },
    manager: { anyOf: [{ type: 'string', pattern: '^/' }, { const: false }] },
  },
};

function choiceOf(a: HttpdBalancerArgs, ctx: PlanContext): LayoutChoice {
  const home = a.apache_home ?? (typeof ctx.vars.apache_home === 'string' ? ctx.vars.apache_home : undefined);
  const varLayout = ctx.vars.apache_layout;
  if (varLayout !== undefined && !LAYOUTS.includes(varLayout as ApacheLayout)) {
    throw new OperationError(`apache_layout "${String(varLayout)}" is not a known layout`, {
      hint: `use one of ${LAYOUTS.join(', ')}`,
    });
  }
  // An explicit apache_home (task or host variable) means a source build: never fall back to another Apache.
  const layout = a.layout ?? (varLayout as ApacheLayout | undefined) ?? (home ? 'source' : undefined);
  return { ...(layout ? { layout } : {}), ...(home ? { apacheHome: home } : {}) };
}

function specOf(a: HttpdBalancerArgs): BalancerSpec {
  return {
    name: a.name,
    members: a.members.map((m) => ({ ...m, protocol: m.protocol ?? 'ajp' })),
    path: a.path ?? '/',
    stickysession: a.stickysession ?? DEFAULT_STICKYSESSION,
    retry: a.retry ?? DEFAULT_RETRY,
    port: a.listen ?? 80,
    ...(a.server_name ? { serverName: a.server_name } : {}),
    ...(a.manager !== false ? { manager: a.manager ?? DEFAULT_MANAGER } : {}),
  };
}

function planBalancer(a: HttpdBalancerArgs, facts: Facts, ctx: PlanContext): Plan {
  const spec = specOf(a);
  validateBalancer(spec);
  const resolved = detectLayout(facts, choiceOf(a, ctx), ctx.host);
  const changes: Change[] = planLayout({ host: ctx.host, resolved, spec, modules: modulesOf(spec), facts });
  if (changes.length > 0 && a.reload) {
    const apacheHome = resolved.layout === 'source' ? resolved.home : undefined;
    changes.push({
      kind: 'service',
      summary: `reload Apache (${resolved.layout} layout) after the config test`,
      action: 'reload',
      service: apacheService(resolved.layout, apacheHome, a.apache_bin),
      check: a.check ?? configTestCommand(resolved.layout, apacheHome, a.apache_bin),
      // A member drained right now (a rolling restart that stopped) stays drained across the reload.
      ...(spec.manager ? { keepDrained: { balancer: spec.name, ...managerUrl(spec.port, spec.manager, spec.serverName) } } : {}),
    });
  }
  const where = `${resolved.layout} layout, ${resolved.home}`;
  return { changes, okMessage: `balancer://${a.name} with ${spec.members.length} members already configured (${where})` };
}

const modulesOf = (spec: BalancerSpec) => requiredModules(spec.members.map((m) => m.protocol));

export const httpdBalancerOp = defineOperation<HttpdBalancerArgs>({
  name: 'httpd_balancer',
  schema: httpdBalancerSchema,
  facts(a, ctx) {
    const choice = choiceOf(a, ctx);
    const spec = specOf(a);
    const reqs: FactRequest[] = detectionFacts(choice);
    for (const l of candidateLayouts(choice)) reqs.push(...layoutFacts(l, layoutHome(l, choice.apacheHome), a.name, modulesOf(spec)));
    return reqs;
  },
  plan: (a, facts, ctx) => planBalancer(a, facts, ctx),
});
