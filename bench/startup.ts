/**
 * `npx tsx bench/startup.ts [--reps 20] [-- <provision arguments>]`: start-up cost. Alternates
 * `node -e 0` with `node bin/provision.js --help` (or the arguments given) and prints both medians,
 * the difference of medians and the median of the paired differences (each pair ran back to back,
 * so machine noise falls on both). Builds the bundle first so bin/provision.js runs it, not tsx.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { timed } from './lib/proc.ts';
import { fmtMs, stats } from './lib/stats.ts';
import { REPO } from './lib/tools.ts';

const { values: opt, positionals } = parseArgs({ allowPositionals: true, options: { reps: { type: 'string', default: '20' } } });
const reps = Math.min(100, Number(opt.reps)); // bounded
const args = positionals.length ? positionals : ['--help'];
const load = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
execFileSync(process.execPath, [join(REPO, 'scripts/build.mjs')], { cwd: REPO, stdio: 'inherit' });
console.log(`node -e 0 against provision ${args.join(' ')}, ${reps} pairs; load at start ${load()}`);
const bare: number[] = [];
const cli: number[] = [];
const diff: number[] = [];
const cpu: [number[], number[]] = [[], []];
for (let i = 0; i < reps; i++) {
  const a = await timed(process.execPath, ['-e', '0'], { cwd: REPO, timeoutMs: 30_000 });
  const b = await timed(process.execPath, [join(REPO, 'bin/provision.js'), ...args], { cwd: REPO, timeoutMs: 30_000 });
  bare.push(a.ms);
  cli.push(b.ms);
  diff.push(b.ms - a.ms);
  cpu[0].push(a.cpuMs);
  cpu[1].push(b.cpuMs);
}
const [sb, sc, sd] = [stats(bare), stats(cli), stats(diff)];
console.log(`node -e 0:                ${fmtMs(sb)}`);
console.log(`provision ${args.join(' ')}: ${fmtMs(sc)}`);
console.log(`difference of medians:    ${(sc.median - sb.median).toFixed(0)} ms; median of paired differences ${sd.median.toFixed(0)} ms`);
const [cb, cc] = cpu.map(stats);
console.log(
  `CPU time (user + system): node -e 0 ${fmtMs(cb!)}, provision ${fmtMs(cc!)}; ` +
    `difference of medians ${(cc!.median - cb!.median).toFixed(0)} ms`,
);
console.log(`load at end ${load()}`);
