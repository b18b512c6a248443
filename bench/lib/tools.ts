/** The two tools under test: one invocation each, timed, with per-host change counts read back. */
import { join } from 'node:path';
import { timed, type Timed, type TimedOptions } from './proc.ts';

export type ToolName = 'provision' | 'ansible';

/** The same work for both tools. */
export interface Scenario {
  /** Short name in the report (`recipe`, `generic`). */
  name: string;
  /** Playbook run by provision. */
  provisionPlaybook: string;
  /** Playbook run by ansible-playbook. */
  ansiblePlaybook: string;
  /** Extra variables given to both as `-e k=v`. */
  vars: Record<string, string>;
}

/** One run of one tool on one inventory. */
export interface ToolRun extends Timed {
  tool: ToolName;
  hosts: number;
  /** Changed tasks per host, from the tool's own recap. */
  changed: Record<string, number>;
  /** Hosts with failed tasks or unreachable. */
  bad: string[];
  /** provision only: SSH round trips and connections per host. */
  roundTrips?: number[];
  connections?: number[];
  /** provision only: per host, wall time waiting for its answers and of its SSH handshake. */
  waitMs?: number[];
  connectMs?: number[];
  /** provision only: its own measured run time (excludes node/tsx startup). */
  innerMs?: number;
}

export const REPO = join(import.meta.dirname, '../..');

const varArgs = (s: Scenario) => Object.entries(s.vars).flatMap(([k, v]) => ['-e', `${k}=${v}`]);

interface ProvisionRecap {
  changed: number;
  failed: number;
  unreachable: boolean;
  roundTrips: number;
  connections: number;
  waitMs?: number;
  connectMs?: number;
}

/** `node bin/provision.js -i inv playbook --json --forks N`. */
export async function runProvision(inv: string, s: Scenario, forks: number, o: TimedOptions = {}): Promise<ToolRun> {
  const args = [join(REPO, 'bin/provision.js'), '-i', inv, s.provisionPlaybook, '--json', '--forks', String(forks), ...varArgs(s)];
  const t = await timed(process.execPath, args, { cwd: REPO, ...o });
  const run: ToolRun = { ...t, tool: 'provision', hosts: 0, changed: {}, bad: [] };
  try {
    const doc = JSON.parse(t.stdout) as {
      recap: Record<string, ProvisionRecap>;
      durationMs?: number;
      plays?: { tasks: { results: { host: string; task: string; status: string; message: string }[] }[] }[];
    };
    const recap = Object.entries(doc.recap);
    run.hosts = recap.length;
    run.innerMs = doc.durationMs;
    run.roundTrips = recap.map(([, r]) => r.roundTrips);
    run.connections = recap.map(([, r]) => r.connections);
    run.waitMs = recap.map(([, r]) => r.waitMs ?? NaN);
    run.connectMs = recap.map(([, r]) => r.connectMs ?? NaN);
    for (const [h, r] of recap) {
      run.changed[h] = r.changed;
      if (r.failed || r.unreachable) run.bad.push(h);
    }
    // Say why, once: the first failed task's message.
    const failed = doc.plays?.flatMap((p) => p.tasks.flatMap((x) => x.results)).find((x) => x.status === 'failed');
    if (failed) run.bad.push(`(${failed.host}: ${failed.task}: ${failed.message.slice(0, 300)})`);
  } catch {
    run.bad.push(`(no JSON: exit ${t.code}; ${t.stderr.trim().split('\n').slice(-3).join(' / ')})`);
  }
  return run;
}

/** `ansible-playbook -i inv playbook -f N` with the bench's ansible.cfg; change counts from PLAY RECAP. */
export async function runAnsible(inv: string, s: Scenario, forks: number, env: NodeJS.ProcessEnv, o: TimedOptions = {}): Promise<ToolRun> {
  const args = ['-i', inv, s.ansiblePlaybook, '-f', String(forks), ...varArgs(s)];
  const t = await timed('ansible-playbook', args, { cwd: REPO, env, ...o });
  const run: ToolRun = { ...t, tool: 'ansible', hosts: 0, changed: {}, bad: [] };
  const recap = t.stdout.slice(t.stdout.lastIndexOf('PLAY RECAP'));
  const re = /^(\S+)\s+:\s+ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)/gm;
  for (let m = re.exec(recap); m; m = re.exec(recap)) {
    run.changed[m[1]!] = Number(m[3]);
    if (Number(m[4]) || Number(m[5])) run.bad.push(m[1]!);
    run.hosts++;
  }
  if (!run.hosts) run.bad.push(`(no PLAY RECAP: exit ${t.code}; ${(t.stderr || t.stdout).trim().split('\n').slice(-3).join(' / ')})`);
  return run;
}

/** Sum of changed tasks over all hosts. */
export const totalChanged = (r: ToolRun) => Object.values(r.changed).reduce((a, b) => a + b, 0);

/** Why a run does not count: exit code, failed hosts, missing hosts, or (on reruns) changes. */
export function problem(r: ToolRun, expectHosts: number, mustBeIdempotent: boolean): string | undefined {
  if (r.timedOut) return `${r.tool}: timed out`;
  if (r.bad.length) return `${r.tool}: failed on ${r.bad.join(', ')}`;
  if (r.code !== 0) return `${r.tool}: exit ${r.code}`;
  if (r.hosts !== expectHosts) return `${r.tool}: recap has ${r.hosts} hosts, expected ${expectHosts}`;
  if (mustBeIdempotent && totalChanged(r) !== 0) {
    const which = Object.entries(r.changed)
      .filter(([, c]) => c)
      .map(([h, c]) => `${h}=${c}`);
    return `${r.tool}: rerun changed ${which.join(', ')}`;
  }
  if (!mustBeIdempotent && totalChanged(r) === 0) return `${r.tool}: first run changed nothing`;
  return undefined;
}
