#!/usr/bin/env node
// Runs the bundle (dist/provision.cjs, `npm run build`) when it is newer than every source file,
// otherwise the TypeScript sources through tsx: a stale build can never run.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bundle = join(root, 'dist', 'provision.cjs');

function newest(dir) {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

if (
  existsSync(bundle) &&
  statSync(bundle).mtimeMs >= Math.max(newest(join(root, 'src')), statSync(join(root, 'package-lock.json')).mtimeMs)
) {
  const { loadBundle } = await import('./load-bundle.js');
  await loadBundle(bundle).main();
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await (await import('../src/cli/main.ts')).main();
}
