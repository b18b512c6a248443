/**
 * The plain renderer (CI, pipes, -v): Ansible-style PLAY / TASK headers, one line per host result
 * (per loop item), coloured by state when colour is on. -v adds each change as it is made, -vv
 * facts and plans, -vvv every remote script with its round-trip time.
 */
import type { RunEmitter } from '../runner/events.ts';
import type { Colors } from './color.ts';
import { formatDiff } from './diff.ts';
import { formatRecap } from './format.ts';

export interface LineOptions {
  diff: boolean;
  verbose: number;
  colors: Colors;
  write: (s: string) => void;
}

const header = (s: string) => `\n${s} ${'*'.repeat(Math.max(3, 72 - s.length))}`;
const seconds = (ms: number) => `${Math.round(ms / 1000)} s`;

export function attachLines(em: RunEmitter, o: LineOptions): void {
  const { colors: c, write } = o;
  let run: { runId: string; check: boolean } | undefined;
  em.on('run:start', (e) => (run = { runId: e.runId, check: e.check }));
  em.on('play:start', (e) => write(header(`PLAY [${e.play}]${e.check ? ' (check mode)' : ''}`)));
  em.on('task:start', (e) => write(header(`${e.handler ? 'RUNNING HANDLER' : 'TASK'} [${e.task}]`)));
  em.on('info', (e) =>
    write(c.dim(`${e.host ? `[${e.host}] ` : ''}${e.message}${e.wait ? ` (at most ${seconds(e.wait.timeoutMs)})` : ''}`)),
  );
  em.on('change', (e) => {
    if (o.verbose >= 1) write(c.yellow(`  [${e.host}] made: ${e.summary}`));
  });
  em.on('debug', (e) => {
    if (o.verbose >= e.level) write(c.dim(`  [${e.host ?? 'control'}] ${e.message}`));
  });
  em.on('host:unreachable', (e) => write(c.red(`fatal: [${e.host}]: UNREACHABLE! ${e.message}${e.hint ? `\n  hint: ${e.hint}` : ''}`)));
  em.on('host:failed', (e) => write(c.red(`fatal: [${e.host}]: FAILED! ${e.message}${e.hint ? `\n  hint: ${e.hint}` : ''}`)));
  em.on('task:result', (r) => {
    const msg = r.status === 'ok' || r.status === 'skipped' ? (o.verbose ? ` => ${r.message}` : '') : ` => ${r.message}`;
    const who = `[${r.host}]${r.item !== undefined ? ` (item=${r.item})` : ''}`;
    const text = {
      ok: `ok: ${who}${msg}`,
      changed: `changed: ${who}${msg}`,
      'would-change': `would change: ${who}${msg}`,
      skipped: `skipping: ${who}${o.verbose ? ` => ${r.message}` : ''}`,
      failed: `fatal: ${who}: FAILED! => ${r.message}${r.hint ? `\n  hint: ${r.hint}` : ''}`,
    }[r.status];
    write(c.state(r.status)(text));
    if (o.diff) for (const d of r.diffs) write(formatDiff(d, c));
  });
  em.on('run:end', (e) => {
    write(header('PLAY RECAP'));
    write(formatRecap(e.recap, c, run ?? { runId: e.runId, check: false }));
    if (o.verbose) {
      for (const [h, r] of Object.entries(e.recap)) write(c.dim(`${h}: ${r.connections} connection(s), ${r.roundTrips} round trip(s)`));
    }
  });
}
