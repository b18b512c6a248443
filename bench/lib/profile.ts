/** Where provision's time goes: a V8 CPU profile of one run, self time summed by package / source layer. */
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { timed } from './proc.ts';
import { REPO } from './tools.ts';
import { WORK } from './labs.ts';

interface ProfileNode {
  id: number;
  callFrame: { url: string; functionName: string };
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** One line of the summary: a bucket and its self time in ms. */
export interface ProfileRow {
  bucket: string;
  ms: number;
}

/** The bucket a stack frame's self time counts in. */
function bucket(url: string, fn: string): string {
  if (!url) return fn.startsWith('(') ? fn : '(native)';
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (nm) return nm[1] === 'tsx' || nm[1] === 'esbuild' || nm[1] === 'get-tsconfig' ? 'tsx (TypeScript loading)' : nm[1]!;
  const src = /\/(src|bin)\/([^/]+)/.exec(url);
  if (src) return src[1] === 'bin' ? 'bin' : `src/${src[2]!.replace(/\.ts$/, '')}`;
  if (url.startsWith('node:')) return /module|loader|esm|cjs/.test(url) ? 'node: module loading' : 'node: core';
  return url;
}

/** Self time by bucket, biggest first. */
export function summarize(p: CpuProfile): ProfileRow[] {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const sums = new Map<string, number>();
  for (let i = 0; i < p.samples.length; i++) {
    const n = byId.get(p.samples[i]!);
    if (!n) continue;
    const b = bucket(n.callFrame.url, n.callFrame.functionName);
    sums.set(b, (sums.get(b) ?? 0) + (p.timeDeltas[i] ?? 0) / 1000);
  }
  return [...sums].map(([b, ms]) => ({ bucket: b, ms })).sort((a, b) => b.ms - a.ms);
}

/** Run provision once under `--cpu-prof` (main thread only: tsx's loader thread and esbuild are not in it). */
export async function profileProvision(args: string[]): Promise<ProfileRow[]> {
  const dir = join(WORK, 'cpu-prof');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  await timed(process.execPath, ['--cpu-prof', '--cpu-prof-dir', dir, join(REPO, 'bin/provision.js'), ...args], {
    cwd: REPO,
    timeoutMs: 120_000,
  });
  const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
  if (!file) return [];
  return summarize(JSON.parse(readFileSync(join(dir, file), 'utf8')) as CpuProfile);
}
