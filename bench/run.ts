/**
 * `npm run bench`: provision against Ansible on the same kind of lab hosts, the two tools
 * alternating within one run. Writes bench/RESULTS.md and bench/.work/results.json.
 * Options: --scenario recipe|generic, --hosts 1,10,30, --reps 5 (1 host), --reps-n 3 (middle counts),
 * --reps-max 2 (largest count; these runs also sample the process tree's memory), --scale-hosts 100
 * (provision alone on that many sshd-only hosts, 0: off; --quick: off), --first-hosts 10 (the first run at that
 * many pristine hosts too, both tools, --reps-n times; 0: off; --quick: off), --quick.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { machineInfo, versions } from './lib/env-info.ts';
import { measureFloor } from './lib/floor.ts';
import { ansibleEnv, downAll, freshLab, LAB, WORK, writeInventory } from './lib/labs.ts';
import { labDown } from '../src/lab/index.ts';
import { stopMasters } from './lib/masters.ts';
import { timed } from './lib/proc.ts';
import { profileProvision } from './lib/profile.ts';
import { renderReport } from './lib/report.ts';
import { emptyResults, type Results } from './lib/results.ts';
import { stats } from './lib/stats.ts';
import { scalePoint } from './lib/scale.ts';
import { defaultScenario, hostVarsOf, scenarios } from './lib/scenarios.ts';
import { problem, REPO, runAnsible, runProvision, type ToolName, type ToolRun } from './lib/tools.ts';

const { values: opt } = parseArgs({
  options: {
    scenario: { type: 'string' },
    hosts: { type: 'string', default: '1,10,30' },
    reps: { type: 'string', default: '5' },
    'reps-n': { type: 'string', default: '2' },
    'reps-max': { type: 'string', default: '2' },
    quick: { type: 'boolean', default: false },
    'scale-hosts': { type: 'string', default: '100' },
    'first-hosts': { type: 'string', default: '10' },
    out: { type: 'string', default: join(REPO, 'bench/RESULTS.md') },
  },
});
const scenarioName = opt.scenario ?? defaultScenario();
const hostCounts = (opt.quick ? '1,3' : opt.hosts!).split(',').map(Number);
const reps1 = opt.quick ? 2 : Number(opt.reps);
const repsN = opt.quick ? 1 : Number(opt['reps-n']);
const repsMax = opt.quick ? 1 : Number(opt['reps-max']);
const maxHosts = Math.max(...hostCounts);
const scaleHosts = opt.quick ? 0 : Number(opt['scale-hosts']);
const firstHosts = opt.quick ? 0 : Number(opt['first-hosts']);
const TIMEOUT = 300_000;
const log = (s: string) => console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${s}`);

// The bundle, fresh: otherwise bin/provision.js runs the sources through tsx (slower, more memory).
execFileSync(process.execPath, [join(REPO, 'scripts/build.mjs')], { cwd: REPO, stdio: 'inherit' });
mkdirSync(WORK, { recursive: true });
const hostVars = hostVarsOf(scenarioName);
const sc = scenarios()[scenarioName];
if (!sc) throw new Error(`unknown scenario ${scenarioName}`);
const res: Results = emptyResults(sc.name, { provision: sc.provisionPlaybook, ansible: sc.ansiblePlaybook }, sc.vars);
const t0 = Date.now();
const envs: NodeJS.ProcessEnv[] = [];

/** Alternate which tool goes first, rep by rep. */
const order = (rep: number): ToolName[] => (rep % 2 ? ['ansible', 'provision'] : ['provision', 'ansible']);

async function runTool(tool: ToolName, inv: string, n: number, env: NodeJS.ProcessEnv, sample = 0): Promise<ToolRun> {
  const o = { timeoutMs: TIMEOUT, sampleTreeMs: sample };
  return tool === 'provision' ? runProvision(inv, sc!, n, o) : runAnsible(inv, sc!, n, env, o);
}

/** Keep a run only if it did what it must; otherwise record why. */
function keep(list: ToolRun[], r: ToolRun, hosts: number, idempotent: boolean, label: string): void {
  const p = problem(r, hosts, idempotent);
  if (p) {
    res.problems.push(`${label}: ${p}`);
    log(`  ✗ ${label}: ${p}\n${r.stdout.slice(-1500)}\n${r.stderr.slice(-800)}`);
  } else list.push(r);
  log(`  ${label} ${r.tool}: ${(r.ms / 1000).toFixed(2)} s${r.roundTrips ? `, round trips ${r.roundTrips.join(',').slice(0, 40)}` : ''}`);
}

async function startup(): Promise<void> {
  const sample = async (cmd: string, args: string[]) => {
    const xs: number[] = [];
    for (let i = 0; i < reps1; i++) xs.push((await timed(cmd, args, { cwd: REPO, timeoutMs: 60_000 })).ms);
    return stats(xs);
  };
  res.startup.nodeBare = await sample(process.execPath, ['-e', '0']);
  res.startup.provisionHelp = await sample(process.execPath, [join(REPO, 'bin/provision.js'), '--help']);
  res.startup.provisionHelpRssKb = (await timed(process.execPath, [join(REPO, 'bin/provision.js'), '--help'], { cwd: REPO })).maxRssKb;
  res.startup.ansibleVersion = await sample('ansible-playbook', ['--version']);
}

async function firstRuns(): Promise<void> {
  for (let rep = 0; rep < reps1; rep++) {
    for (const tool of order(rep)) {
      const info = await freshLab(tool, 1);
      if (rep === 0 && tool === 'provision') {
        log('floor: ssh true, one command on an open connection');
        res.floor = await measureFloor(info, info.hosts[0]!.name, Math.max(reps1, 5));
      }
      const env = ansibleEnv(info, `first-${rep}`);
      envs.push(env);
      keep(res.first[tool], await runTool(tool, writeInventory(info, 1, hostVars), 1, env), 1, false, `first run #${rep + 1}`);
    }
  }
}

/** The first run at `firstHosts` pristine hosts (forks = that count), both tools alternating, `--reps-n` times. */
async function firstRunsN(): Promise<void> {
  const runs: Results['first'] = { provision: [], ansible: [] };
  res.firstN = { hosts: firstHosts, runs };
  for (let rep = 0; rep < repsN; rep++) {
    for (const tool of order(rep)) {
      const info = await freshLab(tool, firstHosts);
      const env = ansibleEnv(info, `first${firstHosts}-${rep}`);
      envs.push(env);
      const inv = writeInventory(info, firstHosts, hostVars);
      keep(runs[tool], await runTool(tool, inv, firstHosts, env), firstHosts, false, `first run ${firstHosts} #${rep + 1}`);
    }
  }
}

async function reruns(): Promise<void> {
  const infos = { provision: await freshLab('provision', maxHosts), ansible: await freshLab('ansible', maxHosts) };
  const env = ansibleEnv(infos.ansible, 'scale');
  envs.push(env);
  const inv = (tool: ToolName, n: number) => writeInventory(infos[tool], n, hostVars);
  for (const tool of ['provision', 'ansible'] as const) {
    log(`converge ${maxHosts} hosts with ${tool}`);
    // A converge that failed on some hosts is recorded, then run again (at most twice) so reruns start converged.
    for (let attempt = 1; attempt <= 3; attempt++) {
      const r = await runTool(tool, inv(tool, maxHosts), maxHosts, env);
      const kept: ToolRun[] = [];
      keep(kept, r, maxHosts, false, `converge ${maxHosts} (attempt ${attempt})`);
      if (kept.length || (r.bad.length === 0 && r.code === 0)) break;
    }
  }
  for (const n of hostCounts) {
    res.rerun[n] = { provision: [], ansible: [] };
    const reps = n === 1 ? reps1 : n === maxHosts ? repsMax : repsN;
    // At the largest count the process tree's RSS is sampled too (both tools alike).
    const sample = n === maxHosts ? 100 : 0;
    for (let rep = 0; rep < reps; rep++) {
      for (const tool of order(rep)) {
        keep(res.rerun[n]![tool], await runTool(tool, inv(tool, n), n, env, sample), n, true, `rerun ${n} #${rep + 1}`);
      }
    }
  }
  for (const tool of ['provision', 'ansible'] as const) {
    res.memory[tool] = [...res.rerun[maxHosts]![tool]].sort((a, b) => (b.treePeakKb ?? 0) - (a.treePeakKb ?? 0))[0];
  }
  log('CPU profile of one 1-host provision rerun');
  res.profile = await profileProvision([
    '-i',
    inv('provision', 1),
    sc!.provisionPlaybook,
    '--json',
    ...Object.entries(sc!.vars).flatMap(([k, v]) => ['-e', `${k}=${v}`]),
  ]);
}

const cleanup = async () => {
  for (const e of envs) await stopMasters(e.ANSIBLE_SSH_CONTROL_PATH_DIR ?? '');
  await downAll();
};
process.once('SIGINT', () => void cleanup().finally(() => process.exit(130)));

try {
  log(`scenario ${sc.name}; hosts ${hostCounts.join(', ')}; reps ${reps1} (1 host) / ${repsN}`);
  res.machine = await machineInfo();
  res.versions = await versions();
  await startup();
  log('first runs on pristine hosts');
  await firstRuns();
  if (firstHosts > 0) {
    log(`first runs on ${firstHosts} pristine hosts`);
    await firstRunsN();
  }
  log('reruns');
  await reruns();
  if (scaleHosts > 0) {
    // Ansible's lab is no longer needed: its hosts' memory and CPU go to the many-hosts point.
    await labDown(LAB.ansible);
    res.scale = await scalePoint({
      lab: LAB.provision,
      hosts: scaleHosts,
      reps: repsMax,
      scenario: sc,
      hostVars,
      baseRssKb: res.startup.provisionHelpRssKb ?? 0,
      problems: res.problems,
      log,
    });
  }
} catch (e) {
  res.problems.push(`bench aborted: ${(e as Error).message}`);
  log(`aborted: ${(e as Error).stack}`);
} finally {
  await cleanup();
  res.wallS = (Date.now() - t0) / 1000;
  // Other work on the machine skews every number: say how busy it was.
  res.machine['load at end'] = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  writeFileSync(join(WORK, 'results.json'), JSON.stringify(res, null, 2));
  writeFileSync(opt.out!, renderReport(res));
  log(`wrote ${opt.out} (${res.wallS.toFixed(0)} s)`);
}
process.exitCode = res.problems.length ? 1 : 0;
