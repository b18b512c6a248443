// Bundles the CLI into one CommonJS file, dist/provision.cjs, so a run does not pay for TypeScript
// transpiling and for resolving hundreds of module files at start-up. bin/provision.js loads it
// with a V8 code cache (Node 20 has none for ES modules: compiling the bundle's source was the
// largest single cost of a run's start), and uses it only while it is newer than every source.
// The CLI's dynamic imports (runner, lab, terminal UI) stay lazy: esbuild wraps what they reach in
// initialisers that run on first import, so `--help` evaluates only the option definitions.
import { rmSync } from 'node:fs';
import { build } from 'esbuild';

// The cache beside the bundle belongs to the old bundle: clear both.
rmSync('dist', { recursive: true, force: true });
await build({
  entryPoints: { provision: 'src/cli/main.ts' },
  outdir: 'dist',
  outExtension: { '.js': '.cjs' },
  bundle: true,
  // V8 parses every byte it loads: no whitespace, comments, dead branches. Names stay, so stack
  // traces under -v still name functions.
  minifyWhitespace: true,
  minifySyntax: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: 'linked',
  // ssh2's optional native speed-ups stay outside; it falls back to JS without them.
  external: ['cpu-features', '*.node', 'chokidar', 'fsevents'],
  // Sources written as ES modules read import.meta.url (src/core/root.ts): give them the bundle's.
  define: { 'import.meta.url': '__pvImportMetaUrl' },
  banner: { js: "'use strict'; const __pvImportMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
  logLevel: 'warning',
});
