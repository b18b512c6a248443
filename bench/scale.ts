/**
 * `npx tsx bench/scale.ts [--hosts 100] [--reps 2] [--scenario recipe|generic] [--name n --prefix p --subnet cidr]`:
 * the full bench's many-hosts point alone (bench/lib/scale.ts): brings up that many sshd-only
 * `scale` lab hosts, converges them with provision, reruns, prints time and control memory per
 * host, and takes the lab down (also on error and Ctrl-C). At most 150 hosts, each run at most 10 min.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { labDown } from '../src/lab/index.ts';
import { timed } from './lib/proc.ts';
import { mibPerHost, scalePoint } from './lib/scale.ts';
import { defaultScenario, hostVarsOf, scenarios } from './lib/scenarios.ts';
import { fmtMb, fmtMs, stats } from './lib/stats.ts';
import { REPO } from './lib/tools.ts';

const { values: opt } = parseArgs({
  options: {
    hosts: { type: 'string', default: '100' },
    reps: { type: 'string', default: '2' },
    scenario: { type: 'string' },
    name: { type: 'string', default: 'bench-scale' },
    prefix: { type: 'string', default: 'bns' },
    subnet: { type: 'string', default: '10.179.52.0/24' },
  },
});
const lab = { name: opt.name!, prefix: opt.prefix!, subnet: opt.subnet! };
const name = opt.scenario ?? defaultScenario();
const sc = scenarios()[name];
if (!sc) throw new Error(`unknown scenario ${name}`);
const load = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
const log = (s: string) => console.log(`[scale ${new Date().toISOString().slice(11, 19)}] ${s}`);
process.once('SIGINT', () => void labDown(lab).finally(() => process.exit(130)));

// The bundle, fresh: otherwise bin/provision.js runs the sources through tsx (slower, more memory).
execFileSync(process.execPath, [join(REPO, 'scripts/build.mjs')], { cwd: REPO, stdio: 'inherit' });
const base = (await timed(process.execPath, [join(REPO, 'bin/provision.js'), '--help'], { cwd: REPO })).maxRssKb;
log(`scenario ${name}, ${opt.hosts} hosts, ${opt.reps} reruns; load at start ${load()}`);
const problems: string[] = [];
const s = await scalePoint({
  lab,
  hosts: Number(opt.hosts),
  reps: Number(opt.reps),
  scenario: sc,
  hostVars: hostVarsOf(name),
  baseRssKb: base,
  problems,
  log,
});
const line = (what: string, ms: number[], rssKb: number[], tree: (number | undefined)[]) => {
  const peak = Math.max(...rssKb);
  console.log(
    `${what}: ${fmtMs(stats(ms))}; peak RSS ${fmtMb(peak)} (${mibPerHost(peak, base, s.hosts).toFixed(2)} MiB per host, ` +
      `--help ${fmtMb(base)}); process tree ${fmtMb(Math.max(...tree.map((t) => t ?? 0)))}`,
  );
};
if (s.first) line(`first run, ${s.hosts} hosts`, [s.first.ms], [s.first.maxRssKb], [s.first.treePeakKb]);
if (s.reruns.length)
  line(
    `rerun, ${s.hosts} hosts`,
    s.reruns.map((r) => r.ms),
    s.reruns.map((r) => r.maxRssKb),
    s.reruns.map((r) => r.treePeakKb),
  );
for (const p of problems) console.log(`problem: ${p}`);
console.log(`load at end ${load()}`);
process.exitCode = problems.length ? 1 : 0;
