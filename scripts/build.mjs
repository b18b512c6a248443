// Bundles the CLI into ESM files so a run does not pay for TypeScript transpiling and for
// resolving hundreds of module files at start-up. bin/provision.js uses it while it is fresh.
// Split at the CLI's dynamic imports: dist/provision.mjs holds only the option definitions, and
// each command's code (runner, XML parser, schemas, templating, lab) is a chunk loaded when it runs.
import { rmSync } from 'node:fs';
import { build } from 'esbuild';

// Chunk names carry content hashes: clear the old ones.
rmSync('dist', { recursive: true, force: true });
await build({
  entryPoints: { provision: 'src/cli/main.ts' },
  outdir: 'dist',
  outExtension: { '.js': '.mjs' },
  chunkNames: 'chunks/[name]-[hash]',
  splitting: true,
  bundle: true,
  // V8 parses every byte of a chunk it loads (Node 20 has no compile cache): no whitespace, comments,
  // dead branches. Names stay, so stack traces under -v still name functions.
  minifyWhitespace: true,
  minifySyntax: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: 'linked',
  // ssh2's optional native speed-ups stay outside; it falls back to JS without them.
  external: ['cpu-features', '*.node', 'chokidar', 'fsevents'],
  // Bundled CommonJS packages call require(): give them one in the ESM output.
  banner: {
    js: [
      "import { createRequire as __pvRequire } from 'node:module';",
      "import { fileURLToPath as __pvPath } from 'node:url';",
      'const require = __pvRequire(import.meta.url);',
      'const __filename = __pvPath(import.meta.url);',
      "const __dirname = __pvPath(new URL('.', import.meta.url));",
    ].join(' '),
  },
  logLevel: 'warning',
});
