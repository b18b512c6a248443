/** What one `npm run bench` measured, and the goals it is judged against. */
import type { Floor } from './floor.ts';
import type { ProfileRow } from './profile.ts';
import type { ScalePoint } from './scale.ts';
import { stats, type Stats } from './stats.ts';
import type { ToolName, ToolRun } from './tools.ts';

/** Everything the report needs; also written as bench/.work/results.json. */
export interface Results {
  scenario: string;
  /** What each tool ran, shown in the report. */
  playbooks: Record<ToolName, string>;
  vars: Record<string, string>;
  startedAt: string;
  wallS: number;
  machine: Record<string, string>;
  versions: Record<string, string>;
  startup: {
    nodeBare: Stats;
    provisionHelp: Stats;
    ansibleVersion: Stats;
    /** Peak RSS of `provision --help`, KiB. */ provisionHelpRssKb?: number;
  };
  floor?: Floor;
  /** First run on pristine hosts (1 host). */
  first: Record<ToolName, ToolRun[]>;
  /** First run on pristine hosts at a larger count (`--first-hosts`, forks = that count); absent in older results. */
  firstN?: { hosts: number; runs: Record<ToolName, ToolRun[]> };
  /** Idempotent reruns per host count. */
  rerun: Record<number, Record<ToolName, ToolRun[]>>;
  /** One sampled run per tool at the largest host count. */
  memory: Partial<Record<ToolName, ToolRun>>;
  /** provision alone on many sshd-only hosts (bench/lib/scale.ts). */
  scale?: ScalePoint;
  /** Self time of one 1-host provision rerun. */
  profile: ProfileRow[];
  /** Runs that did not count, checks that failed. */
  problems: string[];
}

export const emptyResults = (scenario: string, playbooks: Record<ToolName, string>, vars: Record<string, string>): Results => ({
  scenario,
  playbooks,
  vars,
  startedAt: new Date().toISOString(),
  wallS: 0,
  machine: {},
  versions: {},
  startup: { nodeBare: stats([]), provisionHelp: stats([]), ansibleVersion: stats([]) },
  first: { provision: [], ansible: [] },
  rerun: {},
  memory: {},
  profile: [],
  problems: [],
});

/** Wall-time stats of runs (ms). */
export const wall = (runs: ToolRun[] | undefined): Stats => stats((runs ?? []).map((r) => r.ms));

/** One goal: a measured ratio against its bound. */
export interface Goal {
  what: string;
  ratio: number;
  bound: string;
  met: boolean;
}

/** Issue 15's goals (its table), from medians. */
export function goals(r: Results): Goal[] {
  const out: Goal[] = [];
  const hostCounts = Object.keys(r.rerun)
    .map(Number)
    .sort((a, b) => a - b);
  const small = hostCounts[0];
  const large = hostCounts[hostCounts.length - 1];
  const p = (n: number | undefined, t: ToolName) => (n === undefined ? NaN : wall(r.rerun[n]?.[t]).median);
  const speedup = (what: string, a: number, b: number, min: number) =>
    out.push({ what, ratio: a / b, bound: `≥ ${min}×`, met: a / b >= min });
  const atMost = (what: string, a: number, b: number, max: number) =>
    out.push({ what, ratio: a / b, bound: `≤ ${max}×`, met: a / b <= max });
  speedup(`Idempotent rerun, ${small} host: Ansible ÷ provision`, p(small, 'ansible'), p(small, 'provision'), 20);
  if (r.floor)
    atMost(`Idempotent rerun, ${small} host: provision ÷ fresh \`ssh host true\``, p(small, 'provision'), r.floor.sshFresh.median, 1.5);
  speedup('First run, configuration only, 1 host: Ansible ÷ provision', wall(r.first.ansible).median, wall(r.first.provision).median, 8);
  if (r.rerun[10] && large !== 10) speedup('Idempotent rerun, 10 hosts: Ansible ÷ provision', p(10, 'ansible'), p(10, 'provision'), 40);
  speedup(`Rerun, ${large} hosts: Ansible ÷ provision`, p(large, 'ansible'), p(large, 'provision'), 60);
  atMost(`Rerun, ${large} hosts: provision ${large} hosts ÷ provision ${small} host`, p(large, 'provision'), p(small, 'provision'), 2);
  const rts = Object.values(r.rerun).flatMap((x) => x.provision.flatMap((run) => run.roundTrips ?? []));
  const conns = Object.values(r.rerun).flatMap((x) => x.provision.flatMap((run) => run.connections ?? []));
  if (rts.length) {
    const maxRt = Math.max(...rts);
    out.push({ what: 'Round trips per host on a rerun (max over all reruns)', ratio: maxRt, bound: '≤ 3', met: maxRt <= 3 });
    const maxC = Math.max(...conns);
    out.push({ what: 'Connections per host on a rerun (max)', ratio: maxC, bound: '= 1', met: maxC === 1 });
  }
  return out;
}
