/**
 * The balancer against the host's Apache build, before any change: an AJP `secret=` the version
 * cannot send is refused or, as the user chose, turned into HTTP members; health checks are
 * refused on a version or a build without mod_proxy_hcheck. Each refusal names the host, what
 * was found and what to do.
 */
import { OperationError } from '../../core/errors.ts';
import type { Facts } from '../../facts/types.ts';
import { fileFact } from '../kit.ts';
import { AJP_SECRET_SINCE, HCHECK_SINCE, modulesDir, older, versionText, type ApacheBuild } from './build.ts';
import type { ResolvedLayout } from './layout.ts';
import { healthModules, requiredModules, type ApacheModule } from './modules.ts';
import type { BalancerSpec, MemberSpec } from './render.ts';

/** What to do when the build cannot send the AJP secret. */
export type AjpSecretUnsupported =
  /** Stop before any change (the default). */
  | 'refuse'
  /** Proxy to each Tomcat's HTTP connector (`http_port`) instead; the user must keep that port private. */
  | 'http'
  /** Do not judge by the version (a vendor build that backports `secret=`): the staged config test decides. */
  | 'test';

export interface BuildInput {
  host: string;
  resolved: ResolvedLayout;
  build: ApacheBuild;
  /** The binary asked (`httpd -v`), for the messages. */
  bin: string;
  onSecret: AjpSecretUnsupported;
  facts: Facts;
}

/** A member as the user gave it, with the HTTP port to fall back to. */
export type MemberInput = MemberSpec & { http_port?: number };

/** The balancer the build can serve: members maybe turned to HTTP; `fellBack` says so for the summary. */
export function adaptToBuild(spec: BalancerSpec, members: MemberInput[], p: BuildInput): { spec: BalancerSpec; fellBack: boolean } {
  const v = p.build.version;
  const found = `${p.build.text ?? `Apache/${v ? versionText(v) : '?'}`} (${p.bin} -v)`;
  let out = spec;
  let fellBack = false;
  const secretMembers = members.filter((m) => m.protocol === 'ajp' && m.secret !== undefined);
  if (v && older(v, AJP_SECRET_SINCE) && secretMembers.length > 0 && p.onSecret !== 'test') {
    const since = versionText(AJP_SECRET_SINCE);
    if (p.onSecret === 'refuse') {
      throw new OperationError(`Apache on ${p.host} is ${found}: BalancerMember secret= (the AJP secret) needs httpd ${since} or newer`, {
        hint:
          `upgrade Apache to ${since}+, or set ajp_secret_unsupported: http to proxy to each Tomcat's HTTP connector instead ` +
          "(give members http_port, then bind that connector to loopback or firewall it to the Apache host's address); " +
          'for a vendor build that backports secret=, ajp_secret_unsupported: test lets the staged config test decide',
      });
    }
    const missing = secretMembers.filter((m) => m.http_port === undefined);
    if (missing.length > 0) {
      throw new OperationError(
        `Apache on ${p.host} is ${found} (no AJP secret before ${since}) and member ` +
          `${missing.map((m) => `${m.host}:${m.port}`).join(', ')} has no http_port to fall back to`,
        { hint: "give every AJP member http_port: its Tomcat's HTTP connector port (e.g. 8080)" },
      );
    }
    out = {
      ...spec,
      members: members.map((m) =>
        m.protocol === 'ajp' && m.secret !== undefined ? { host: m.host, port: m.http_port!, route: m.route, protocol: 'http' } : strip(m),
      ),
    };
    fellBack = true;
  }
  if (spec.healthCheck) checkHealthBuild(p, found);
  return { spec: out, fellBack };
}

function strip(m: MemberInput): MemberSpec {
  const { http_port: _, ...rest } = m;
  return rest;
}

/** The health-check modules the build lacks as files: version first, then each `.so` looked for. */
function checkHealthBuild(p: BuildInput, found: string): void {
  const v = p.build.version;
  if (v && older(v, HCHECK_SINCE)) {
    throw new OperationError(
      `Apache on ${p.host} is ${found}: health_check needs mod_proxy_hcheck, which httpd has since ${versionText(HCHECK_SINCE)}`,
      {
        hint:
          `upgrade Apache to ${versionText(HCHECK_SINCE)}+, or remove health_check ` +
          '(failed members are then found by requests, and kept out for retry seconds)',
      },
    );
  }
  for (const m of healthModulesOf(p)) {
    const file = `${modulesDir(p.resolved.layout, p.resolved.home)}/${m.file}`;
    if (!fileFact(p.facts, file).exists) {
      const since = versionText(HCHECK_SINCE);
      throw new OperationError(`health_check needs ${m.file} on ${p.host}, and ${file} does not exist`, {
        hint: `install the Apache package or module that provides mod_${m.name} (httpd ${since}+), or remove health_check`,
      });
    }
  }
}

/** mod_watchdog needs no LoadModule when compiled in; a build that did not answer is given the benefit (the staged test guards). */
const watchdogBuiltIn = (build: ApacheBuild): boolean => build.version === null || build.builtIn.has('mod_watchdog.c');

function healthModulesOf(p: Pick<BuildInput, 'build'>): ApacheModule[] {
  return healthModules({ watchdogBuiltIn: watchdogBuiltIn(p.build) });
}

/** The modules the adapted balancer loads. */
export function modulesFor(spec: BalancerSpec, build: ApacheBuild): ApacheModule[] {
  const health = spec.healthCheck ? { watchdogBuiltIn: watchdogBuiltIn(build) } : undefined;
  return requiredModules(
    spec.members.map((m) => m.protocol),
    health,
  );
}
