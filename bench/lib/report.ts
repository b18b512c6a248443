/** bench/RESULTS.md from one run's Results. */
import { relative } from 'node:path';
import { goals, wall, type Results } from './results.ts';
import { fmtMb, fmtMs, stats } from './stats.ts';
import { mibPerHost } from './scale.ts';
import { REPO, type ToolRun } from './tools.ts';

const ratio = (x: number) => (Number.isFinite(x) ? `${x.toFixed(x >= 10 ? 0 : 1)}×` : 'n/a');
const rel = (p: string) => relative(REPO, p);

function rows(r: Results): string[] {
  const out = ['| measurement | hosts | provision | Ansible | Ansible ÷ provision |', '|---|---:|---|---|---:|'];
  const line = (what: string, n: number, p: ToolRun[] | undefined, a: ToolRun[] | undefined) =>
    out.push(`| ${what} | ${n} | ${fmtMs(wall(p))} | ${fmtMs(wall(a))} | ${ratio(wall(a).median / wall(p).median)} |`);
  line('first run, pristine hosts, configuration only', 1, r.first.provision, r.first.ansible);
  if (r.firstN) line('first run, pristine hosts, configuration only', r.firstN.hosts, r.firstN.runs.provision, r.firstN.runs.ansible);
  for (const n of Object.keys(r.rerun)
    .map(Number)
    .sort((a, b) => a - b)) {
    line('idempotent rerun (0 changes, checked)', n, r.rerun[n]?.provision, r.rerun[n]?.ansible);
  }
  return out;
}

function floorLines(r: Results): string[] {
  const f = r.floor;
  if (!f) return ['(not measured)'];
  return [
    // OpenSSH and provision's own transport side by side: the same two costs, one row each.
    '| floor | OpenSSH (`ssh` process) | provision (ssh2 in-process) |',
    '|---|---|---|',
    `| fresh connection + one command (TCP, key exchange, auth, exec) | ${fmtMs(f.sshFresh)} | ${fmtMs(f.transportFresh)} |`,
    `| one command on an open connection | ${fmtMs(f.sshMux)} (\`ssh -S master host true\`, includes the ssh process start) ` +
      `| ${fmtMs(f.transportExec)} |`,
    '',
    '| other floor | time |',
    '|---|---|',
    `| host side: provision's firewall fact on an open connection | ${fmtMs(f.firewallFact)} |`,
    `| \`node -e 0\` | ${fmtMs(r.startup.nodeBare)} |`,
    `| \`node bin/provision.js --help\` (node + CLI load, no work) | ${fmtMs(r.startup.provisionHelp)} |`,
    `| \`ansible-playbook --version\` (Python + Ansible load, no work) | ${fmtMs(r.startup.ansibleVersion)} |`,
  ];
}

/** provision alone at many hosts: time, and control memory per host. */
function scaleLines(r: Results): string[] {
  const s = r.scale;
  if (!s) return [];
  const perHost = (kb?: number) => (kb ? `${mibPerHost(kb, s.baseRssKb, s.hosts).toFixed(2)} MiB` : 'n/a');
  const peak = [...s.reruns].sort((a, b) => b.maxRssKb - a.maxRssKb)[0];
  const rt = s.reruns.flatMap((x) => x.roundTrips ?? []);
  return [
    `## provision alone at ${s.hosts} hosts (sshd-only \`scale\` hosts, forks = ${s.hosts})`,
    '',
    '| measurement | time | round trips per host | peak RSS (GNU time) | per host (less `--help`) | process tree, sampled |',
    '|---|---|---|---|---|---|',
    ...(s.first
      ? [
          `| first run (converge) | ${fmtMs(stats([s.first.ms]))} | ${[...new Set(s.first.roundTrips ?? [])].join(', ')} ` +
            `| ${fmtMb(s.first.maxRssKb)} | ${perHost(s.first.maxRssKb)} | ${fmtMb(s.first.treePeakKb)} |`,
        ]
      : []),
    `| idempotent rerun | ${fmtMs(wall(s.reruns))} | ${rt.length ? `${Math.min(...rt)}–${Math.max(...rt)}` : 'n/a'} ` +
      `| ${fmtMb(peak?.maxRssKb)} | ${perHost(peak?.maxRssKb)} | ${fmtMb(peak?.treePeakKb)} |`,
    '',
    `\`provision --help\` alone holds ${fmtMb(s.baseRssKb)}; per host is (peak − that) ÷ ${s.hosts}.`,
    '',
  ];
}

function roundTrips(r: Results): string[] {
  const out = [
    "| hosts | round trips per host (min–max) | connections per host | provision's own run time (no startup) " +
      '| per host: SSH handshake | per host: waiting for its answers |',
    '|---:|---|---|---|---|---|',
  ];
  // Medians over every host of every run; NaN (an older results.json) drops out.
  const perHostMs = (runs: ToolRun[], k: 'waitMs' | 'connectMs') =>
    fmtMs(stats(runs.flatMap((run) => run[k] ?? []).filter(Number.isFinite)));
  for (const [n, x] of Object.entries(r.rerun)) {
    const rt = x.provision.flatMap((run) => run.roundTrips ?? []);
    const c = x.provision.flatMap((run) => run.connections ?? []);
    const inner = stats(x.provision.map((run) => run.innerMs ?? NaN).filter(Number.isFinite));
    out.push(
      `| ${n} | ${rt.length ? `${Math.min(...rt)}–${Math.max(...rt)}` : 'n/a'} ` +
        `| ${c.length ? `${Math.min(...c)}–${Math.max(...c)}` : 'n/a'} | ${fmtMs(inner)} ` +
        `| ${perHostMs(x.provision, 'connectMs')} | ${perHostMs(x.provision, 'waitMs')} |`,
    );
  }
  const firsts: [number, ToolRun[]][] = [
    [1, r.first.provision],
    ...(r.firstN ? [[r.firstN.hosts, r.firstN.runs.provision] as [number, ToolRun[]]] : []),
  ];
  for (const [n, runs] of firsts) {
    const rt = runs.flatMap((run) => run.roundTrips ?? []);
    const c = runs.flatMap((run) => run.connections ?? []);
    if (rt.length)
      out.push(
        `| ${n} (first run) | ${Math.min(...rt)}–${Math.max(...rt)} | ${c.length ? `${Math.min(...c)}–${Math.max(...c)}` : 'n/a'} ` +
          `| ${fmtMs(stats(runs.map((x) => x.innerMs ?? NaN).filter(Number.isFinite)))} ` +
          `| ${perHostMs(runs, 'connectMs')} | ${perHostMs(runs, 'waitMs')} |`,
      );
  }
  return out;
}

/** Lab hosts run on the machine's own cores, so host-side work adds up across hosts here (not on real hosts). */
function scaleNote(r: Results): string {
  const ns = Object.keys(r.rerun)
    .map(Number)
    .sort((a, b) => a - b);
  const big = ns[ns.length - 1] ?? 1;
  const cores = Number(/× (\d+)/.exec(r.machine.cpu ?? '')?.[1] ?? 1);
  const small = ns[0] ?? 1;
  const per = (n: number, k: 'waitMs' | 'connectMs') =>
    stats((r.rerun[n]?.provision ?? []).flatMap((x) => x[k] ?? []).filter(Number.isFinite)).median;
  const cpu = (n: number) => stats((r.rerun[n]?.provision ?? []).map((x) => x.cpuMs).filter(Number.isFinite)).median;
  const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  return (
    `Scaling: the lab hosts are namespaces on this machine and share its ${cores} cores with both tools, ` +
    `so host-side work adds up with the host count here, as it would not on real machines. ` +
    `provision's ${big}-host rerun took ${s(wall(r.rerun[big]?.provision).median)}: each host's SSH handshake took ` +
    `${s(per(big, 'connectMs'))} (${s(per(small, 'connectMs'))} at ${small}) and waiting for its answers ` +
    `${s(per(big, 'waitMs'))} (${s(per(small, 'waitMs'))} at ${small}), the ${big} hosts' sshd and fact scripts ` +
    `queueing on the same cores as provision, whose own CPU time was ${s(cpu(big))} (${s(cpu(small))} at ${small}). ` +
    `Ansible's host-side modules (one Python process per task per host) share the same cores.`
  );
}

function costs(r: Results): string[] {
  const g = goals(r).filter((x) => !x.met);
  if (!g.length) return ['Every goal is met.'];
  const n1 =
    Object.keys(r.rerun)
      .map(Number)
      .sort((a, b) => a - b)[0] ?? 1;
  const p1 = r.rerun[n1]?.provision ?? [];
  const total = wall(p1).median;
  const inner = stats(p1.map((x) => x.innerMs ?? NaN).filter(Number.isFinite)).median;
  const out = [
    `Goals not met: ${g.map((x) => `${x.what} (${ratio(x.ratio)}, target ${x.bound})`).join('; ')}. ` +
      'The breakdown below says where the time goes: start-up and the first round trips for one host; ' +
      'the hosts sharing these cores for many.',
    '',
    `Breakdown of a ${n1}-host provision rerun (medians): wall ${total.toFixed(0)} ms ` +
      `= process start and module loading ≈ ${(total - inner).toFixed(0)} ms ` +
      `(\`--help\` alone: ${r.startup.provisionHelp.median.toFixed(0)} ms, ` +
      `bare \`node -e 0\`: ${r.startup.nodeBare.median.toFixed(0)} ms) ` +
      `+ the run itself ${inner.toFixed(0)} ms (inventory, playbook, connect, facts, plan, recap).`,
    '',
    ...(r.floor
      ? [
          `Host side: provision's firewall fact alone (one dbus-send query for the runtime ports and the zone's file ` +
            `for the permanent ones; D-Bus for rich rules) ` +
            `takes ${r.floor.firewallFact.median.toFixed(0)} ms on an open connection; ` +
            `a fresh \`ssh host true\` takes ${r.floor.sshFresh.median.toFixed(0)} ms. ` +
            `Of the run itself, the SSH handshake took ${fmtMs(stats(p1.flatMap((x) => x.connectMs ?? []).filter(Number.isFinite)))} ` +
            `and waiting for the host's answers (every file fact in one stat/sha256sum/cat, the other facts in one script) ` +
            `${fmtMs(stats(p1.flatMap((x) => x.waitMs ?? []).filter(Number.isFinite)))}; the rest is the control machine's CPU. ` +
            `Round trips per host on a 1-host rerun: ${[...new Set(p1.flatMap((x) => x.roundTrips ?? []))].join(', ') || 'n/a'}.`,
          '',
        ]
      : []),
    ...(r.floor ? [scaleNote(r)] : []),
    '',
    'Main-thread CPU profile of one 1-host rerun, self time by source file (the bundle mapped back through its source maps; ' +
      '`npx tsx bench/profile.ts -- <args>` prints the same for any command):',
    '',
    '| where | self ms |',
    '|---|---:|',
    ...r.profile.slice(0, 20).map((p) => `| ${p.bucket} | ${p.ms.toFixed(0)} |`),
  ];
  return out;
}

/**
 * Was other work running when the bench started? The 1-minute load at start says; the load at the
 * end is the bench's own (its labs' hosts run on these cores), so it says nothing about others.
 */
function busy(r: Results): boolean {
  const cores = Number(/× (\d+)/.exec(r.machine.cpu ?? '')?.[1] ?? 1);
  const start = Number((r.machine['load at start (1/5/15 min)'] ?? '0').split(' ')[0]);
  return start > cores;
}

function quietNote(r: Results): string {
  const cores = Number(/× (\d+)/.exec(r.machine.cpu ?? '')?.[1] ?? 1);
  const start = (r.machine['load at start (1/5/15 min)'] ?? '').split(' ')[0];
  return (
    `The machine was quiet at start: a 1-minute load of ${start}, below its ${cores} cores. ` +
    "The load at the end is the bench's own: both tools' lab hosts run on these cores."
  );
}

export function renderReport(r: Results): string {
  const mem = (t: 'provision' | 'ansible') => r.memory[t];
  const maxN = Math.max(...Object.keys(r.rerun).map(Number), 0);
  return [
    '# provision vs Ansible',
    '',
    `Generated by \`npm run bench\` (bench/run.ts) on ${r.startedAt.slice(0, 16).replace('T', ' ')} UTC in ${r.wallS.toFixed(0)} s; ` +
      `scenario **${r.scenario}**. Do not edit by hand: rerun the bench.`,
    '',
    `- provision: \`node bin/provision.js -i <inventory> ${rel(r.playbooks.provision)} --json --forks <hosts>\``,
    `- Ansible: \`ansible-playbook -i <inventory> ${rel(r.playbooks.ansible)} -f <hosts>\` with bench/ansible/ansible.cfg: ` +
      'pipelining on, ControlMaster auto + ControlPersist 60s (reruns reuse warm masters; first runs start cold on new hosts), ' +
      "no `-C`, gathering explicit, strategy linear, forks = host count, host keys checked against the lab's known_hosts.",
    `- Both: \`${Object.entries(r.vars)
      .map(([k, v]) => `-e ${k}=${rel(v).startsWith('..') ? v : rel(v)}`)
      .join(' ')}\`; ` +
      'the same inventory shape; each tool has its own lab of identical `scale` hosts (so each rerun sees only its own converged state), ' +
      'and the two alternate run by run (which goes first alternates too).',
    '- Times are wall clock from spawn to exit, median (min–max) over the repetitions; ' +
      'a run only counts if it exited 0 with no failed host, and a rerun only if every host reported 0 changes.',
    '',
    '## Machine and versions',
    '',
    ...Object.entries({ ...r.machine, ...r.versions }).map(([k, v]) => `- ${k}: ${v}`),
    '',
    ...(busy(r)
      ? [
          '⚠ The machine was busy when this run started (1-minute load above its core count: other work was running), ' +
            'so every time here is noisier and slower than on an idle machine; ' +
            'the ratios, taken within one alternating run, are less affected.',
          '',
        ]
      : [quietNote(r), '']),
    '## Results',
    '',
    ...rows(r),
    '',
    '## Goals (ratios of medians from this run)',
    '',
    '| goal | measured | target | |',
    '|---|---:|---|---|',
    ...goals(r).map(
      (g) =>
        `| ${g.what} | ${g.what.startsWith('Round') || g.what.startsWith('Conn') ? g.ratio : ratio(g.ratio)} ` +
        `| ${g.bound} | ${g.met ? '✅' : '❌'} |`,
    ),
    '',
    '## Floor and startup',
    '',
    ...floorLines(r),
    '',
    '## Round trips (provision, instrumented transport)',
    '',
    ...roundTrips(r),
    '',
    `## Peak memory of the control process, ${maxN} hosts (peak over the sampled reruns)`,
    '',
    '| tool | largest single process (GNU time max RSS) | whole process tree, sampled every 100 ms |',
    '|---|---|---|',
    `| provision | ${fmtMb(mem('provision')?.maxRssKb)} | ${fmtMb(mem('provision')?.treePeakKb)} |`,
    `| Ansible (main process + ${maxN} forked workers + ssh clients) ` +
      `| ${fmtMb(mem('ansible')?.maxRssKb)} | ${fmtMb(mem('ansible')?.treePeakKb)} |`,
    '',
    ...scaleLines(r),
    '## What costs the time',
    '',
    ...costs(r),
    '',
    '## Problems in this run',
    '',
    ...(r.problems.length ? r.problems.map((p) => `- ${p}`) : ['None: every run counted.']),
    '',
  ].join('\n');
}
