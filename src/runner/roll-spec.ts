/**
 * The `rolling:` keyword of a handler, as rendered for one host and loop item: the unit (a Tomcat
 * instance) whose files the notifying tasks change only while it is stopped, and the Apache
 * balancers it is drained from around its restart. Validated here, before anything connects.
 */
import { Ajv, type ValidateFunction } from 'ajv';
import type { BalancerMemberRef } from '../core/change.ts';
import { managerUrl } from '../host/balancer-script.ts';

/** `rolling:` as written in a playbook (after templating). */
export interface RollingArgs {
  /** Absolute paths the unit owns: notifying tasks' changes under them wait for its stopped window. */
  paths: string[];
  balancer?: {
    /** `balancer://<name>`. */
    name: string;
    /** The member's route (jvmRoute). */
    member: string;
    /** Inventory names of the Apache hosts that have this balancer. */
    hosts: string[];
    /** Port of the balancer's vhost (default 80). */
    port?: number;
    /** Path of balancer-manager in that vhost (default /balancer-manager). */
    manager_path?: string;
    server_name?: string;
  };
  /** Seconds to wait for in-flight requests once drained (default 30). */
  drain_timeout?: number;
  /** While another unit of the roll runs, this in the unit's log after its start is a failure. */
  with_peers_fail?: string;
  /**
   * Shell that exits 0 when this unit, as it runs now, is a peer others must get state from (e.g.
   * running AND its config has the cluster). Default: the handler's service status.
   */
  member_check?: string;
}

/** A unit of a roll, ready for the runner. */
export interface RollSpec {
  paths: string[];
  balancers: { host: string; member: BalancerMemberRef }[];
  drainTimeoutMs: number;
  withPeersFail?: string;
  memberCheck?: string;
}

const schema = {
  type: 'object',
  additionalProperties: false,
  required: ['paths'],
  properties: {
    paths: { type: 'array', minItems: 1, items: { type: 'string', pattern: '^/.' } },
    balancer: {
      type: 'object',
      additionalProperties: false,
      required: ['name', 'member', 'hosts'],
      properties: {
        name: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._-]*$' },
        member: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._-]*$' },
        hosts: { type: 'array', items: { type: 'string', minLength: 1 } },
        port: { type: 'integer', minimum: 1, maximum: 65535 },
        manager_path: { type: 'string', pattern: '^/[A-Za-z0-9._/-]*$' },
        server_name: { type: 'string', pattern: '^[A-Za-z0-9.-]+(:\\d+)?$' },
      },
    },
    drain_timeout: { type: 'number', exclusiveMinimum: 0 },
    with_peers_fail: { type: 'string', minLength: 1 },
    member_check: { type: 'string', minLength: 1 },
  },
} as const;

// Compiled on first use, not when the runner loads: most runs have no `rolling:` (ajv's codegen costs).
let compiled: ValidateFunction | undefined;
const validator = () => (compiled ??= new Ajv({ allErrors: false, strict: false, code: { optimize: false } }).compile(schema));

/** Checks a rendered `rolling:`; throws an Error naming the offending field. */
export function rollSpecOf(raw: unknown): RollSpec {
  // Templates render numbers as strings: accept "80" for 80.
  const a = JSON.parse(JSON.stringify(raw ?? {}), (k, v) =>
    (k === 'port' || k === 'drain_timeout') && typeof v === 'string' && /^\d+(\.\d+)?$/.test(v) ? Number(v) : v,
  ) as RollingArgs;
  const validate = validator();
  if (!validate(a)) {
    const e = validate.errors![0]!;
    throw new Error(`\`rolling${e.instancePath.replace(/\//g, '.')}\` ${e.message ?? 'is invalid'}`);
  }
  const b = a.balancer;
  const url = b ? managerUrl(b.port ?? 80, b.manager_path ?? '/balancer-manager', b.server_name) : undefined;
  return {
    paths: a.paths.map((p) => p.replace(/\/+$/, '')),
    balancers: b && url ? b.hosts.map((host) => ({ host, member: { balancer: b.name, route: b.member, ...url } })) : [],
    drainTimeoutMs: Math.round((a.drain_timeout ?? 30) * 1000),
    ...(a.with_peers_fail ? { withPeersFail: a.with_peers_fail } : {}),
    ...(a.member_check ? { memberCheck: a.member_check } : {}),
  };
}

/** Whether `path` is one of the unit's paths or below one. */
export function owns(spec: RollSpec, path: string): boolean {
  return spec.paths.some((p) => path === p || path.startsWith(`${p}/`));
}
