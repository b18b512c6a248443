// Bundles the CLI into one ESM file so a run does not pay for TypeScript transpiling and for
// resolving hundreds of module files at start-up. bin/provision.js uses it while it is fresh.
import { build } from 'esbuild';

await build({
  entryPoints: ['src/cli/main.ts'],
  outfile: 'dist/provision.mjs',
  bundle: true,
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
