/**
 * Where provision's time goes: a V8 CPU profile of one run, self time summed by source file. The
 * bundle's frames are mapped back to their source files through its source map (dist/provision.cjs.map,
 * written by scripts/build.mjs), so the profile says which module costs what, not "provision.cjs".
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { timed } from './proc.ts';
import { REPO } from './tools.ts';
import { WORK } from './labs.ts';

interface ProfileNode {
  id: number;
  callFrame: { url: string; functionName: string; lineNumber: number; columnNumber: number };
}
/** The parts of a `.cpuprofile` this reads. */
export interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** One line of the summary: a bucket (source file, package or V8 category) and its self time in ms. */
export interface ProfileRow {
  bucket: string;
  ms: number;
}

/** How to group: by source file (src/xml/doc.ts, yaml/dist/parse/lexer.js) or by layer (src/xml, yaml). */
export type Grouping = 'file' | 'layer';

/** A loaded source map per generated file URL (null: none). */
const maps = new Map<string, SourceMap | null>();
function mapFor(url: string): SourceMap | null {
  if (maps.has(url)) return maps.get(url)!;
  let m: SourceMap | null = null;
  try {
    const file = fileURLToPath(url);
    const tail = readFileSync(file, 'utf8').slice(-300);
    const ref = /\/\/# sourceMappingURL=(\S+)\s*$/.exec(tail)?.[1];
    const mapFile = ref ? resolve(dirname(file), ref) : `${file}.map`;
    if (existsSync(mapFile)) {
      const payload = JSON.parse(readFileSync(mapFile, 'utf8')) as { sources: string[] };
      // Sources are relative to the map's folder: make them absolute once, so grouping reads them alike.
      payload.sources = payload.sources.map((s) => resolve(dirname(mapFile), s));
      m = new SourceMap(payload as never);
    }
  } catch {
    m = null;
  }
  maps.set(url, m);
  return m;
}

/** The original file of a frame: through the source map when its file has one. */
function originalPath(url: string, line: number, col: number): string {
  if (!url.startsWith('file:')) return url;
  const m = mapFor(url);
  if (m) {
    const e = m.findEntry(line, col) as { originalSource?: string };
    if (e.originalSource) return e.originalSource.replace(/^file:\/\//, '');
  }
  return fileURLToPath(url);
}

/** The bucket a stack frame's self time counts in. */
function bucket(frame: ProfileNode['callFrame'], by: Grouping): string {
  const { url, functionName: fn } = frame;
  if (!url) return fn.startsWith('(') ? fn : '(native)';
  if (url.startsWith('node:')) return /module|loader|esm|cjs/.test(url) ? 'node: module loading' : 'node: core';
  const path = originalPath(url, frame.lineNumber, frame.columnNumber);
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)\/(.*)$/.exec(path);
  if (nm) {
    const pkg = nm[1] === 'tsx' || nm[1] === 'esbuild' || nm[1] === 'get-tsconfig' ? 'tsx (TypeScript loading)' : nm[1]!;
    return by === 'file' && !pkg.startsWith('tsx') ? `${pkg}/${nm[2]}` : pkg;
  }
  const rel = relative(REPO, path);
  // Worktrees share one node_modules; anything else outside the repo keeps its absolute path.
  if (rel.startsWith('..')) return path;
  const src = /^(src|bin|bench)\/(.*)$/.exec(rel);
  if (src && by === 'layer') return src[1] === 'src' ? `src/${src[2]!.split('/')[0]!.replace(/\.ts$/, '')}` : src[1]!;
  return rel;
}

/** Self time by bucket, biggest first. */
export function summarize(p: CpuProfile, by: Grouping = 'layer'): ProfileRow[] {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const sums = new Map<string, number>();
  for (let i = 0; i < p.samples.length; i++) {
    const n = byId.get(p.samples[i]!);
    if (!n) continue;
    const b = bucket(n.callFrame, by);
    sums.set(b, (sums.get(b) ?? 0) + (p.timeDeltas[i] ?? 0) / 1000);
  }
  return [...sums].map(([b, ms]) => ({ bucket: b, ms })).sort((a, b) => b.ms - a.ms);
}

/** Run provision once under `--cpu-prof` (main thread only) and return the profile. */
export async function cpuProfile(args: string[], cwd = REPO): Promise<CpuProfile | null> {
  const dir = join(WORK, 'cpu-prof');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  await timed(process.execPath, ['--cpu-prof', '--cpu-prof-dir', dir, join(REPO, 'bin/provision.js'), ...args], {
    cwd,
    timeoutMs: 120_000,
  });
  const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
  return file ? (JSON.parse(readFileSync(join(dir, file), 'utf8')) as CpuProfile) : null;
}

/** One run under `--cpu-prof`, self time by source file. */
export async function profileProvision(args: string[]): Promise<ProfileRow[]> {
  const p = await cpuProfile(args);
  return p ? summarize(p, 'file') : [];
}
