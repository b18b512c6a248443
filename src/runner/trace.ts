/** -vvv: every remote script a host runs, its exit code and round-trip time, as `debug` events (secrets masked). */
import type { Transport } from '../transport/types.ts';
import type { RunEmitter } from './events.ts';

/** Inline file contents (base64 here-documents) say only their size: they may hold secrets the masker cannot see encoded. */
const elide = (script: string) =>
  script.replace(
    /<<'(PROVISION_EOF_[0-9a-f]+)'\n([\s\S]*?)\n?\1/g,
    (_m, tag: string, body: string) => `<<'${tag}'\n[${body.length} base64 characters]\n${tag}`,
  );

/** The same transport; each exec also reports what it ran and how long the round trip took. */
export function traced(t: Transport, host: string, emitter: RunEmitter, mask: (s: string) => string): Transport {
  return {
    get spec() {
      return t.spec;
    },
    get stats() {
      return t.stats;
    },
    async exec(command, opts) {
      const started = Date.now();
      const r = await t.exec(command, opts);
      const stdin = opts?.stdin ? ` (+${opts.stdin.length} bytes on stdin)` : '';
      emitter.emit('debug', {
        host,
        level: 3,
        message: `script${stdin}, exit ${r.code}, ${Date.now() - started} ms:\n${mask(elide(command))
          .split('\n')
          .map((l) => `    ${l}`)
          .join('\n')}`,
      });
      return r;
    },
    async readFile(path) {
      const started = Date.now();
      const r = await t.readFile(path);
      emitter.emit('debug', {
        host,
        level: 3,
        message: `read ${path}: ${r === null ? 'absent' : `${r.length} bytes`}, ${Date.now() - started} ms`,
      });
      return r;
    },
    async writeFile(path, data, opts) {
      const started = Date.now();
      await t.writeFile(path, data, opts);
      emitter.emit('debug', { host, level: 3, message: `wrote ${path}: ${data.length} bytes, ${Date.now() - started} ms` });
    },
    close: () => t.close(),
  };
}
