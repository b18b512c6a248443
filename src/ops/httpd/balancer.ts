/**
 * `httpd_balancer`: Apache httpd in front of Tomcat instances (recipe steps 4–5). Enables the proxy
 * modules and the vhosts Include, and writes a `<VirtualHost>` with a `<Proxy balancer://NAME>`
 * holding one `BalancerMember` per Tomcat (`route` = its jvmRoute), sticky on JSESSIONID.
 *
 * The whole config is tested before any file is written: a `staged-check` change first runs the
 * config test on staged copies of the changed directories (host/staged-check-script.ts), so a
 * config that fails `httpd -t` leaves every old file in place. The reload that follows still
 * carries `check: configTestCommand(...)` (`reload: true` appends that checked reload). The host's
 * Apache build (version, modules) is read with the other facts, and what it cannot do is refused
 * or, for the AJP secret, replaced as the user chose (build-checks.ts). See docs/ops-httpd.md.
 */
import type { Change } from '../../core/change.ts';
import { OperationError } from '../../core/errors.ts';
import { fact, type FactRequest, type Facts } from '../../facts/types.ts';
import { defineOperation, type Plan, type PlanContext } from '../types.ts';
import {
  apacheService,
  candidateLayouts,
  configTestCommand,
  defaultApacheBin,
  detectionFacts,
  detectLayout,
  layoutHome,
  LAYOUTS,
  type ApacheLayout,
  type LayoutChoice,
} from './layout.ts';
import { managerUrl } from '../../host/balancer-script.ts';
import { httpdBalancerSchema, type HttpdBalancerArgs } from './balancer-args.ts';
import { buildFact, modulesDir, parseBuild } from './build.ts';
import { adaptToBuild, modulesFor } from './build-checks.ts';
import { requiredModules } from './modules.ts';
import { layoutFacts, planLayout } from './plan-layouts.ts';
import { validateBalancer, type BalancerSpec } from './render.ts';

/** Seconds a failed member stays out. Apache's default is 60: a restarted Tomcat would get no traffic for a minute. */
export const DEFAULT_RETRY = 5;
export const DEFAULT_STICKYSESSION = 'JSESSIONID|jsessionid';
/** Where balancer-manager answers (loopback only) for rolling restarts. */
export const DEFAULT_MANAGER = '/balancer-manager';

export { httpdBalancerSchema, type HttpdBalancerArgs } from './balancer-args.ts';

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

/** Seconds between health checks when `health_check` gives no interval: a dead member is found within about that long. */
export const DEFAULT_HC_INTERVAL = 5;

const membersOf = (a: HttpdBalancerArgs) => a.members.map((m) => ({ ...m, protocol: m.protocol ?? ('ajp' as const) }));

function specOf(a: HttpdBalancerArgs): BalancerSpec {
  const hc = a.health_check;
  return {
    name: a.name,
    members: membersOf(a).map(({ http_port: _, ...m }) => m),
    path: a.path ?? '/',
    stickysession: a.stickysession ?? DEFAULT_STICKYSESSION,
    retry: a.retry ?? DEFAULT_RETRY,
    port: a.listen ?? 80,
    ...(a.server_name ? { serverName: a.server_name } : {}),
    ...(a.manager !== false ? { manager: a.manager ?? DEFAULT_MANAGER } : {}),
    ...(hc
      ? { healthCheck: { uri: hc.uri ?? '/', interval: hc.interval ?? DEFAULT_HC_INTERVAL, ...(hc.method ? { method: hc.method } : {}) } }
      : {}),
  };
}

const binOf = (a: HttpdBalancerArgs, layout: ApacheLayout, home?: string): string => a.apache_bin ?? defaultApacheBin(layout, home);

function planBalancer(a: HttpdBalancerArgs, facts: Facts, ctx: PlanContext): Plan {
  const asked = specOf(a);
  validateBalancer(asked);
  const resolved = detectLayout(facts, choiceOf(a, ctx), ctx.host);
  const apacheHome = resolved.layout === 'source' ? resolved.home : undefined;
  const bin = binOf(a, resolved.layout, apacheHome);
  const build = parseBuild(facts.get(buildFact(bin)));
  const onSecret = a.ajp_secret_unsupported ?? 'refuse';
  const { spec, fellBack } = adaptToBuild(asked, membersOf(a), { host: ctx.host, resolved, build, bin, onSecret, facts });
  const laid = planLayout({ host: ctx.host, resolved, spec, modules: modulesFor(spec, build), facts });
  const changes: Change[] = [...laid.changes];
  const check = a.check ?? configTestCommand(resolved.layout, apacheHome, a.apache_bin);
  if (laid.staged.length > 0 && a.staged_check !== false) {
    const paths = laid.staged.map((e) => e.path).join(', ');
    // First, so a config that fails its test leaves every old file (and link) in place.
    changes.unshift({
      kind: 'staged-check',
      summary: `test the new Apache config (${check}) on staged copies of ${paths}, before any is written`,
      entries: laid.staged,
      check,
    });
  }
  // The user chose the fallback, but must see it happened: in the write's summary, or the ok message.
  const fallback = fellBack ? `; HTTP members: ${build.text ?? 'this Apache'} cannot send the AJP secret` : '';
  const w = changes.find((c) => c.kind === 'write');
  if (w && fallback) w.summary += ` (${fallback.slice(2)})`;
  if (changes.length > 0 && a.reload) {
    changes.push({
      kind: 'service',
      summary: `reload Apache (${resolved.layout} layout) after the config test`,
      action: 'reload',
      service: apacheService(resolved.layout, apacheHome, a.apache_bin),
      check,
      // A member drained right now (a rolling restart that stopped) stays drained across the reload.
      ...(spec.manager ? { keepDrained: { balancer: spec.name, ...managerUrl(spec.port, spec.manager, spec.serverName) } } : {}),
    });
  }
  const where = `${resolved.layout} layout, ${resolved.home}${fallback}`;
  return { changes, okMessage: `balancer://${a.name} with ${spec.members.length} members already configured (${where})` };
}

/** Every module the plan may load: HTTP ones too when AJP members may fall back, watchdog as if not built in. */
function modulesOf(a: HttpdBalancerArgs, spec: BalancerSpec) {
  const protocols = spec.members.map((m) => m.protocol);
  if (a.ajp_secret_unsupported === 'http') protocols.push('http');
  return requiredModules(protocols, spec.healthCheck ? { watchdogBuiltIn: false } : undefined);
}

export const httpdBalancerOp = defineOperation<HttpdBalancerArgs>({
  name: 'httpd_balancer',
  schema: httpdBalancerSchema,
  facts(a, ctx) {
    const choice = choiceOf(a, ctx);
    const spec = specOf(a);
    const reqs: FactRequest[] = detectionFacts(choice);
    for (const l of candidateLayouts(choice)) {
      const home = layoutHome(l, choice.apacheHome);
      reqs.push(...layoutFacts(l, home, a.name, modulesOf(a, spec)));
      reqs.push(buildFact(binOf(a, l, l === 'source' ? home : undefined)));
      if (spec.healthCheck) for (const m of ['mod_proxy_hcheck.so', 'mod_watchdog.so']) reqs.push(fact.file(`${modulesDir(l, home)}/${m}`));
    }
    return reqs;
  },
  plan: (a, facts, ctx) => planBalancer(a, facts, ctx),
});
