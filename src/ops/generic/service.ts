/**
 * `service` (like Ansible's): start, stop, restart or reload a service, through systemd or through
 * explicit commands (a Tomcat's catalina.sh), optionally waiting until it answers. Planned from the
 * `service` fact; `restarted` and `reloaded` always change, as in Ansible.
 */
import type { Change, ServiceSpec, WaitSpec } from '../../core/change.ts';
import { sh } from '../../core/quote.ts';
import { fact, type FactRequest, type Facts } from '../../facts/types.ts';
import { defineOperation, type Plan } from '../types.ts';
import { nonEmpty, objectSchema } from './common.ts';
import { getFact } from './get-fact.ts';

/** What to wait for after a start, restart or reload (like Ansible's wait_for). */
export interface WaitForArgs {
  port?: number;
  /** Address for `port`; default 127.0.0.1. */
  address?: string;
  /** URL fetched on the host that must answer 2xx/3xx. */
  url?: string;
  /** File that must come to contain `pattern`. */
  log_file?: string;
  /** Extended regular expression to find in `log_file`. */
  pattern?: string;
  /** Extended regular expression that, once in `log_file` after the start, fails at once (with the log's lines). */
  fail_pattern?: string;
  /** Seconds before giving up. */
  timeout?: number;
}

export interface ServiceArgs {
  /** systemd unit, or a display name when explicit commands are given. */
  name: string;
  state?: 'started' | 'stopped' | 'restarted' | 'reloaded';
  /** systemd only: start at boot. */
  enabled?: boolean;
  /** Explicit commands instead of systemd; start, stop and status go together. */
  start?: string;
  stop?: string;
  /** Exits 0 while the service runs. */
  status?: string;
  reload?: string;
  /** Run the explicit commands as this user. */
  user?: string;
  wait_for?: WaitForArgs;
  /** A config check (e.g. `apachectl -t`) run before start/restart/reload; failing it aborts. */
  check?: string;
}

const waitSchema = objectSchema(
  {
    port: { type: 'integer', minimum: 1, maximum: 65535 },
    address: nonEmpty,
    url: { type: 'string', pattern: '^https?://' },
    log_file: { type: 'string', pattern: '^/' },
    pattern: nonEmpty,
    fail_pattern: nonEmpty,
    timeout: { type: 'number', exclusiveMinimum: 0 },
  },
  [],
  {
    anyOf: [{ required: ['port'] }, { required: ['url'] }, { required: ['log_file', 'pattern'] }],
    dependencies: { log_file: ['pattern'], pattern: ['log_file'], fail_pattern: ['log_file'], address: ['port'] },
  },
);

function enabledCommand(name: string): string {
  return sh`systemctl is-enabled --quiet ${name}`.text;
}

function waitSpec(w: WaitForArgs | undefined): WaitSpec | undefined {
  if (!w) return undefined;
  const out: WaitSpec = {};
  if (w.port !== undefined) out.port = w.port;
  if (w.address !== undefined) out.address = w.address;
  if (w.url !== undefined) out.url = w.url;
  if (w.log_file !== undefined) out.logFile = w.log_file;
  if (w.pattern !== undefined) out.pattern = w.pattern;
  if (w.fail_pattern !== undefined) out.failPattern = w.fail_pattern;
  if (w.timeout !== undefined) out.timeoutMs = Math.round(w.timeout * 1000);
  return out;
}

function spec(a: ServiceArgs): ServiceSpec {
  const out: ServiceSpec = { name: a.name };
  for (const k of ['start', 'stop', 'status', 'reload', 'user'] as const) if (a[k] !== undefined) out[k] = a[k];
  return out;
}

export const serviceOp = defineOperation<ServiceArgs>({
  name: 'service',
  schema: objectSchema(
    {
      name: nonEmpty,
      state: { enum: ['started', 'stopped', 'restarted', 'reloaded'] },
      enabled: { type: 'boolean' },
      start: nonEmpty,
      stop: nonEmpty,
      status: nonEmpty,
      reload: nonEmpty,
      user: nonEmpty,
      wait_for: waitSchema,
      check: nonEmpty,
    },
    ['name'],
    {
      anyOf: [{ required: ['state'] }, { required: ['enabled'] }],
      description: 'give state, enabled, or both; explicit start/stop/status go together and exclude enabled',
      dependencies: { start: ['stop', 'status'], stop: ['start', 'status'], status: ['start', 'stop'], reload: ['start'], user: ['start'] },
      if: { required: ['start'] },
      then: { not: { required: ['enabled'] } },
    },
  ),
  facts(a) {
    const reqs: FactRequest[] = [];
    if (a.state) reqs.push(fact.service(a.name, a.status));
    if (a.enabled !== undefined) reqs.push(fact.command(enabledCommand(a.name)));
    return reqs;
  },
  plan: (a, facts) => planService(a, facts),
});

function planService(a: ServiceArgs, facts: Facts): Plan {
  const changes: Change[] = [];
  const reasons: string[] = [];
  const svc = spec(a);
  const how = a.start ? 'its commands' : 'systemd';
  const extra = { ...(a.check ? { check: a.check } : {}), ...(a.wait_for ? { wait: waitSpec(a.wait_for) } : {}) };
  if (a.state) {
    const running = getFact.service(facts, a.name, a.status).running;
    const act = (action: 'start' | 'stop' | 'restart' | 'reload', why: string): void => {
      changes.push({
        kind: 'service',
        action,
        service: svc,
        ...(action === 'stop' ? {} : extra),
        summary: `${action} ${a.name} via ${how} (${why})`,
      });
    };
    if (a.state === 'started') running ? reasons.push(`${a.name} is running`) : act('start', 'not running');
    if (a.state === 'stopped') running ? act('stop', 'running') : reasons.push(`${a.name} is stopped`);
    if (a.state === 'restarted') act(running ? 'restart' : 'start', running ? 'restarted always restarts' : 'not running');
    if (a.state === 'reloaded') {
      // A stopped service is started; explicit commands without `reload` restart instead.
      if (!running) act('start', 'not running');
      else act(a.start && !a.reload ? 'restart' : 'reload', a.start && !a.reload ? 'no reload command given' : 'reloaded always reloads');
    }
  }
  if (a.enabled !== undefined) {
    const isEnabled = getFact.command(facts, enabledCommand(a.name)).code === 0;
    if (isEnabled === a.enabled) reasons.push(`${a.name} is ${a.enabled ? 'enabled' : 'disabled'} at boot`);
    else {
      const [verb, undo] = a.enabled ? ['enable', 'disable'] : ['disable', 'enable'];
      changes.push({
        kind: 'exec',
        command: sh`systemctl ${verb} ${a.name}`.text,
        // A disable whose unit file is gone already (a retried rollback removed it) has nothing left to do.
        undo: a.enabled
          ? `${sh`systemctl disable ${a.name}`.text} || ! ${sh`systemctl cat ${a.name}`.text} >/dev/null 2>&1`
          : sh`systemctl enable ${a.name}`.text,
        summary: `${verb} ${a.name} at boot`,
      });
    }
  }
  return { changes, okMessage: reasons.join('; ') };
}
