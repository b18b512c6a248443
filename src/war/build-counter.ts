/** Builds examples/counter-app into a WAR with deterministic bytes (no javac: Tomcat compiles the JSP). */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { writeZip } from './war-file.ts';

const APP = fileURLToPath(new URL('../../examples/counter-app/', import.meta.url));

/** Entries in a fixed order. */
const FILES = ['index.jsp', 'WEB-INF/web.xml'];

/** The counter WAR's bytes; written to `outPath` when given. */
export function buildCounterWar(outPath?: string): Buffer {
  const entries: Record<string, Uint8Array> = { 'WEB-INF/': new Uint8Array(0) };
  for (const f of FILES) entries[f] = readFileSync(APP + f);
  const war = writeZip(entries);
  if (outPath) writeFileSync(outPath, war);
  return war;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const out = process.argv[2] ?? 'counter.war';
  buildCounterWar(out);
  console.log(`wrote ${out}`);
}
