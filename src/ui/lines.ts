/** The plain renderer (CI, pipes): Ansible-style PLAY / TASK headers, one line per host result. */
import type { RunEmitter } from '../runner/events.ts';
import { formatDiff } from './diff.ts';
import { formatRecap, type Colors } from './format.ts';

export interface LineOptions {
  diff: boolean;
  verbose: number;
  colors: Colors;
  write: (s: string) => void;
}

const header = (s: string) => `\n${s} ${'*'.repeat(Math.max(3, 72 - s.length))}`;

export function attachLines(em: RunEmitter, o: LineOptions): void {
  const { colors: c, write } = o;
  em.on('play:start', (e) => write(header(`PLAY [${e.play}]${e.check ? ' (check mode)' : ''}`)));
  em.on('task:start', (e) => write(header(`${e.handler ? 'RUNNING HANDLER' : 'TASK'} [${e.task}]`)));
  em.on('info', (e) => write(c.dim(`${e.host ? `[${e.host}] ` : ''}${e.message}`)));
  em.on('host:unreachable', (e) => write(c.red(`fatal: [${e.host}]: UNREACHABLE! ${e.message}${e.hint ? `\n  hint: ${e.hint}` : ''}`)));
  em.on('host:failed', (e) => write(c.red(`fatal: [${e.host}]: FAILED! ${e.message}${e.hint ? `\n  hint: ${e.hint}` : ''}`)));
  em.on('task:result', (r) => {
    const msg = r.status === 'ok' || r.status === 'skipped' ? (o.verbose ? ` => ${r.message}` : '') : ` => ${r.message}`;
    const who = `[${r.host}]${r.item !== undefined ? ` (item=${r.item})` : ''}`;
    const line = {
      ok: c.green(`ok: ${who}${msg}`),
      changed: c.yellow(`changed: ${who}${msg}`),
      'would-change': c.yellow(`would change: ${who}${msg}`),
      skipped: c.cyan(`skipping: ${who}${o.verbose ? ` => ${r.message}` : ''}`),
      failed: c.red(`fatal: ${who}: FAILED! => ${r.message}${r.hint ? `\n  hint: ${r.hint}` : ''}`),
    }[r.status];
    write(line);
    if (o.diff) for (const d of r.diffs) write(formatDiff(d, c));
  });
  em.on('run:end', (e) => {
    write(header('PLAY RECAP'));
    write(formatRecap(e.recap, c));
    if (o.verbose) {
      for (const [h, r] of Object.entries(e.recap)) write(c.dim(`${h}: ${r.connections} connection(s), ${r.roundTrips} round trip(s)`));
    }
  });
}
