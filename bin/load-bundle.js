// Loads the CommonJS bundle with a V8 code cache: the bytecode of every function a run compiled,
// so the next run neither parses the bundle's source nor compiles those functions again. Node 20
// has no compile cache of its own (module.enableCompileCache came in Node 22), so this is the
// vm.Script cachedData that v8-compile-cache uses, kept beside the bundle. The build deletes it
// with the bundle; V8 rejects a cache of another V8 version or other flags, and it is then
// written again. A cache is replaced by one from a process that compiled more (more CPU time), so
// it converges on what a playbook run needs whatever command ran first. Writing is best effort (a
// read-only install just runs without it).
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { pathToFileURL } from 'node:url';
import vm from 'node:vm';

/**
 * Which cache a command uses: V8 reads a cache whole, so `--help` and `--version` keep a small one of
 * their own rather than paying for the bytecode of a whole run.
 */
function cacheKind(argv) {
  return argv.length === 0 || argv.some((a) => a === '--help' || a === '-h' || a === '--version' || a === 'help') ? 'help' : 'run';
}

/** The bundle's exports (its `main`). */
export function loadBundle(file) {
  const kind = cacheKind(process.argv.slice(2));
  const cacheFile = `${file}.${kind}.cache`;
  const metaFile = `${file}.${kind}.cache.json`;
  let cachedData;
  let cachedCpu = 0;
  try {
    if (existsSync(cacheFile)) {
      cachedData = readFileSync(cacheFile);
      cachedCpu = JSON.parse(readFileSync(metaFile, 'utf8')).cpuMs ?? 0;
    }
  } catch {
    cachedData = undefined;
  }
  const source = readFileSync(file, 'utf8');
  const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
    filename: pathToFileURL(file).href,
    cachedData,
    importModuleDynamically: vm.constants?.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  });
  const mod = { exports: {} };
  script.runInThisContext()(mod.exports, createRequire(file), mod, file, dirname(file));
  process.once('exit', () => {
    const { user, system } = process.cpuUsage();
    const cpuMs = Math.round((user + system) / 1000);
    if (cachedData && !script.cachedDataRejected && cpuMs <= cachedCpu * 1.5) return;
    try {
      const tmp = `${cacheFile}.${process.pid}.tmp`;
      writeFileSync(tmp, script.createCachedData());
      renameSync(tmp, cacheFile);
      writeFileSync(metaFile, JSON.stringify({ cpuMs }));
    } catch {
      // Best effort: the next run compiles again.
    }
  });
  return mod.exports;
}
