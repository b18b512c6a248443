/** Builds an exploded web app directory (e.g. examples/counter-app) into a WAR with deterministic bytes. */
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../../core/root.ts';
import { writeZip } from './war-file.ts';

export const COUNTER_APP = join(ROOT, 'examples/counter-app');

/** Every file and directory under `dir`, sorted, as zip entry names (directories end in `/`). */
function walk(dir: string, prefix = ''): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) =>
      statSync(join(dir, name)).isDirectory() ? [`${prefix}${name}/`, ...walk(join(dir, name), `${prefix}${name}/`)] : [`${prefix}${name}`],
    );
}

/** A WAR of a directory: entries sorted, fixed timestamps, so the same tree gives the same bytes. */
export function buildWarFromDir(dir: string, outPath?: string): Buffer {
  const entries: Record<string, Uint8Array> = {};
  for (const name of walk(dir)) {
    if (name === 'README.md') continue;
    entries[name] = name.endsWith('/') ? new Uint8Array(0) : readFileSync(join(dir, name));
  }
  const war = writeZip(entries);
  if (outPath) writeFileSync(outPath, war);
  return war;
}

/** The counter WAR's bytes; written to `outPath` when given. */
export function buildCounterWar(outPath?: string): Buffer {
  return buildWarFromDir(COUNTER_APP, outPath);
}
