/** Re-render bench/RESULTS.md from bench/.work/results.json (the last run's data) after a report change. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { WORK } from './lib/labs.ts';
import { renderReport } from './lib/report.ts';
import type { Results } from './lib/results.ts';
import { REPO } from './lib/tools.ts';

const res = JSON.parse(readFileSync(process.argv[2] ?? join(WORK, 'results.json'), 'utf8')) as Results;
const out = process.argv[3] ?? join(REPO, 'bench/RESULTS.md');
writeFileSync(out, renderReport(res));
console.log(`wrote ${out}`);
