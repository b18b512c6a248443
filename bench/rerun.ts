/**
 * `npx tsx bench/rerun.ts -i <inventory> [--playbook p] [--reps 5] [--forks n] [--first] [-e k=v ...]`:
 * provision alone, a few bounded runs on a lab that is up (no lab up/down, no Ansible). Per run: wall
 * and CPU time, provision's own run time, changes, round trips; then medians and the control
 * process's memory: peak RSS, and per host (peak RSS less that of `provision --help`, ÷ hosts).
 * Without --first every run must change nothing (an idempotent rerun), as in the full bench.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { timed } from './lib/proc.ts';
import { fmtMs, stats } from './lib/stats.ts';
import { problem, REPO, runProvision, totalChanged, type ToolRun } from './lib/tools.ts';

const { values: opt } = parseArgs({
  options: {
    inventory: { type: 'string', short: 'i' },
    playbook: { type: 'string', default: join(REPO, 'playbooks/tomcat-cluster.yml') },
    reps: { type: 'string', default: '5' },
    forks: { type: 'string' },
    first: { type: 'boolean', default: false },
    'extra-vars': { type: 'string', short: 'e', multiple: true, default: [] },
  },
});
if (!opt.inventory) throw new Error('give -i <inventory>');
const load = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
const vars = Object.fromEntries(opt['extra-vars']!.map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));
const sc = { name: 'rerun', provisionPlaybook: resolve(opt.playbook!), ansiblePlaybook: '', vars };
const inv = resolve(opt.inventory);
execFileSync(process.execPath, [join(REPO, 'scripts/build.mjs')], { cwd: REPO, stdio: 'inherit' });
const help = await timed(process.execPath, [join(REPO, 'bin/provision.js'), '--help'], { cwd: REPO });
console.log(`provision on ${inv}; load at start ${load()}`);
const runs: ToolRun[] = [];
// Bounded: at most 20 runs of at most 5 minutes each.
for (let i = 0; i < Math.min(20, Number(opt.reps)); i++) {
  const r = await runProvision(inv, sc, Number(opt.forks ?? 0) || 5, { timeoutMs: 300_000 });
  const hosts = r.hosts || 1;
  const p = problem(r, r.hosts, !opt.first);
  console.log(
    `run ${i + 1}: wall ${r.ms.toFixed(0)} ms, cpu ${r.cpuMs.toFixed(0)} ms, own ${r.innerMs ?? '?'} ms, hosts ${r.hosts}, ` +
      `changed ${totalChanged(r)}, round trips ${[...new Set(r.roundTrips)].join('/')}, peak RSS ${(r.maxRssKb / 1024).toFixed(0)} MiB` +
      ` (${((r.maxRssKb - help.maxRssKb) / 1024 / hosts).toFixed(2)} MiB per host)${p ? `  ✗ ${p}` : ''}`,
  );
  if (!p) runs.push(r);
}
const hosts = runs[0]?.hosts ?? 0;
console.log(`counted ${runs.length} runs of ${hosts} hosts:`);
console.log(`  wall ${fmtMs(stats(runs.map((r) => r.ms)))}; cpu ${fmtMs(stats(runs.map((r) => r.cpuMs)))}`);
console.log(`  provision's own run time ${fmtMs(stats(runs.map((r) => r.innerMs ?? NaN).filter(Number.isFinite)))}`);
const rss = stats(runs.map((r) => r.maxRssKb));
console.log(
  `  peak RSS ${(rss.median / 1024).toFixed(0)} MiB (--help: ${(help.maxRssKb / 1024).toFixed(0)} MiB), ` +
    `${((rss.median - help.maxRssKb) / 1024 / Math.max(1, hosts)).toFixed(2)} MiB per host`,
);
console.log(`load at end ${load()}`);
