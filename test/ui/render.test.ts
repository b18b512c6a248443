/** The plain renderer and the -vvv trace, fed real run events: what each verbosity adds, colours by state, secrets out of traces. */
import { describe, expect, it } from 'vitest';
import type { TaskResult } from '../../src/core/result.ts';
import { RunEmitter } from '../../src/runner/events.ts';
import { traced } from '../../src/runner/trace.ts';
import type { Transport } from '../../src/transport/types.ts';
import { colorsFor, plain } from '../../src/ui/color.ts';
import { attachLines } from '../../src/ui/lines.ts';

const result = (status: TaskResult['status'], item?: string): TaskResult => ({
  host: 'web1',
  task: 'files',
  ...(item ? { item } : {}),
  status,
  message: `${status} message`,
  diffs: [],
  changes: [],
  durationMs: 1,
});

function feed(verbose: number, colors = plain): string[] {
  const out: string[] = [];
  const em = new RunEmitter();
  attachLines(em, { diff: false, verbose, colors, write: (s) => out.push(s) });
  em.emit('run:start', { runId: '20261201T100057Z-ace4c3', playbook: 'site.yml', check: false });
  em.emit('play:start', { play: 'all', hosts: ['web1'], check: false });
  em.emit('debug', { host: 'web1', level: 2, message: 'plan [files]: create /srv/a' });
  em.emit('task:start', { task: 'files', hosts: ['web1'], handler: false });
  em.emit('debug', { host: 'web1', level: 3, message: 'script, exit 0, 12 ms' });
  em.emit('change', { host: 'web1', task: 'files', summary: 'create /srv/a' });
  for (const [s, i] of [
    ['changed', 'a'],
    ['ok', 'b'],
    ['would-change', 'c'],
    ['skipped', 'd'],
    ['failed', 'e'],
  ] as const)
    em.emit('task:result', result(s, i));
  em.emit('task:end', { task: 'files' });
  const recap = { ok: 1, changed: 1, failed: 1, skipped: 0, unreachable: false, roundTrips: 3, connections: 1, changes: 4 };
  em.emit('run:end', { runId: '20261201T100057Z-ace4c3', recap: { web1: recap }, durationMs: 5, exitCode: 2 });
  return out;
}

describe('verbosity', () => {
  it('default: one line per loop item; -v adds each change made; -vv plans; -vvv scripts', () => {
    const levels = [0, 1, 2, 3].map((v) => feed(v).join('\n'));
    for (const text of levels) for (const i of ['a', 'b', 'c', 'd', 'e']) expect(text).toContain(`[web1] (item=${i})`);
    expect(levels.map((t) => t.includes('made: create /srv/a'))).toEqual([false, true, true, true]);
    expect(levels.map((t) => t.includes('plan [files]'))).toEqual([false, false, true, true]);
    expect(levels.map((t) => t.includes('script, exit 0, 12 ms'))).toEqual([false, false, false, true]);
  });

  it('the recap gives the changes journaled and the run id to roll back', () => {
    const text = feed(0).join('\n');
    expect(text).toMatch(/web1 : ok=1 changed=1 unreachable=0 failed=1 skipped=0 {2}\(4 changes\)/);
    expect(text).toContain('run 20261201T100057Z-ace4c3: 4 changes journaled on 1 host');
    expect(text).toContain('provision rollback --run 20261201T100057Z-ace4c3');
  });

  it('colours mean states: ok green, changed yellow, would-change cyan, failed red, skipped dim', () => {
    const lines = feed(0, colorsFor({ isTTY: false }, { FORCE_COLOR: '1' }));
    const line = (start: string) => lines.find((l) => l.includes(start))!;
    expect(line('changed: [web1] (item=a)')).toMatch(/^\x1b\[33m/);
    expect(line('ok: [web1] (item=b)')).toMatch(/^\x1b\[32m/);
    expect(line('would change: [web1] (item=c)')).toMatch(/^\x1b\[36m/);
    expect(line('skipping: [web1] (item=d)')).toMatch(/^\x1b\[2m/);
    expect(line('fatal: [web1] (item=e)')).toMatch(/^\x1b\[31m/);
  });

  it('colour is decided once: --no-color and NO_COLOR win over FORCE_COLOR; a pipe or TERM=dumb gets none', () => {
    expect(colorsFor({ isTTY: true }, {}).enabled).toBe(true);
    expect(colorsFor({ isTTY: true }, { TERM: 'dumb' }).enabled).toBe(false);
    expect(colorsFor({ isTTY: false }, {}).enabled).toBe(false);
    expect(colorsFor({ isTTY: false }, { FORCE_COLOR: '1' }).enabled).toBe(true);
    expect(colorsFor({ isTTY: true }, { FORCE_COLOR: '0' }).enabled).toBe(false);
    expect(colorsFor({ isTTY: true }, { NO_COLOR: '1', FORCE_COLOR: '1' }).enabled).toBe(false);
  });
});

describe('-vvv trace', () => {
  it('shows each script with its exit and time, file contents by size only, secrets masked', async () => {
    const secret = 'S3cret-Value-42';
    const fake: Transport = {
      spec: {} as Transport['spec'],
      stats: { connections: 1, roundTrips: 0 },
      exec: async () => ({ code: 0, stdout: '', stderr: '', stdoutBuf: Buffer.alloc(0) }),
      readFile: async () => null,
      writeFile: async () => {},
      close: async () => {},
    };
    const em = new RunEmitter();
    const seen: string[] = [];
    em.on('debug', (e) => seen.push(e.message));
    const t = traced(fake, 'web1', em, (s) => s.replaceAll(secret, '********'));
    const body = Buffer.from(`password=${secret}\n`).toString('base64');
    await t.exec(`echo ${secret}\n{ base64 -d > /srv/f; } <<'PROVISION_EOF_7f3a'\n${body}\nPROVISION_EOF_7f3a`);
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatch(/^script, exit 0, \d+ ms:/);
    expect(seen[0]).toContain('echo ********');
    expect(seen[0]).toContain(`[${body.length} base64 characters]`);
    expect(seen[0]).not.toContain(secret);
    expect(seen[0]).not.toContain(body);
  });
});
