/**
 * `npx tsx bench/profile.ts [--by file|layer] [--top 25] [--reps 1] -- <provision arguments>`: builds
 * the bundle (so the run uses it and its source map), runs provision under `node --cpu-prof` and
 * prints the main thread's self time per source file, biggest first. `--file x.cpuprofile` reads a
 * profile written elsewhere instead. With --reps, self times are summed over that many runs.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { cpuProfile, summarize, type CpuProfile, type Grouping, type ProfileRow } from './lib/profile.ts';
import { REPO } from './lib/tools.ts';

const { values: opt, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    by: { type: 'string', default: 'file' },
    top: { type: 'string', default: '25' },
    reps: { type: 'string', default: '1' },
    file: { type: 'string' },
  },
});
const by = opt.by as Grouping;
const load = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
const profiles: CpuProfile[] = [];
if (opt.file) profiles.push(JSON.parse(readFileSync(opt.file, 'utf8')) as CpuProfile);
else {
  execFileSync(process.execPath, [join(REPO, 'scripts/build.mjs')], { cwd: REPO, stdio: 'inherit' });
  console.log(`provision ${positionals.join(' ')}; load at start ${load()}`);
  // Bounded: at most 20 runs.
  for (let i = 0; i < Math.min(20, Number(opt.reps)); i++) {
    const p = await cpuProfile(positionals, process.cwd());
    if (p) profiles.push(p);
  }
}
const sums = new Map<string, number>();
for (const p of profiles) for (const r of summarize(p, by)) sums.set(r.bucket, (sums.get(r.bucket) ?? 0) + r.ms);
const rows: ProfileRow[] = [...sums].map(([bucket, ms]) => ({ bucket, ms: ms / profiles.length })).sort((a, b) => b.ms - a.ms);
const total = rows.reduce((s, r) => s + r.ms, 0);
const busy = rows.filter((r) => r.bucket !== '(idle)').reduce((s, r) => s + r.ms, 0);
console.log(`self time per run (mean of ${profiles.length}): ${total.toFixed(0)} ms sampled, ${busy.toFixed(0)} ms not idle`);
for (const r of rows.slice(0, Number(opt.top))) console.log(`${r.ms.toFixed(1).padStart(8)} ms  ${r.bucket}`);
console.log(`load at end ${load()}`);
