/**
 * Every change kind as data (pyinfra's operation cases): `cases/<kind>.json` holds changes and what
 * the engine does with each: its apply script, its journal entry (byte for byte as written on the
 * host), what it teaches the fact cache, how rollback undoes it, and its hint on failure. The
 * expected values were recorded from the engine before the host layer was split out of it.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Change } from '../../src/core/change.ts';
import { FactCache } from '../../src/facts/gather.ts';
import { parseJournal } from '../../src/journal/read.ts';
import { planRollback } from '../../src/journal/rollback-plan.ts';
import { changeScript } from '../../src/host/change-script.ts';
import { learn } from '../../src/host/learn.ts';
import { HostRun } from '../../src/runner/host-run.ts';
import type { Transport } from '../../src/transport/types.ts';

interface Case {
  name: string;
  change: Record<string, unknown>;
  body: string;
  script: string;
  stdin?: string;
  entry: string;
  learned: { simulated: Record<string, unknown>; applied: Record<string, unknown> };
  undo: Record<'existed' | 'absent' | 'never-made', unknown>;
  hints: Record<string, string>;
}

const dir = new URL('./cases/', import.meta.url);
const kinds = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .map((f) => f.replace(/\.json$/, ''));
const load = (kind: string) => JSON.parse(readFileSync(new URL(`${kind}.json`, dir), 'utf8')) as Case[];
const toChange = (c: Record<string, unknown>) =>
  (typeof c.content === 'string' ? { ...c, content: Buffer.from(c.content) } : c) as unknown as Change;
// The atomic write's temp name is random per call.
const tmp = (s: string) => s.replace(/provision-tmp-[0-9a-f]{12}/g, 'provision-tmp-RANDOM');
const mask = (s: string) => s.replaceAll('s3cret', '********');
const b64 = (s: string) => Buffer.from(s).toString('base64');
const noTransport = { exec: async () => ({ code: 255, stdout: '', stderr: '' }) } as unknown as Transport;

/** The facts every case starts from. */
function seeded(): FactCache {
  const cache = new FactCache(noTransport, 'h1');
  const file = (path: string, content: string) => {
    const v = {
      path,
      exists: true,
      type: 'file' as const,
      mode: 0o600,
      owner: 'tomcat',
      group: 'tomcat',
      size: content.length,
      sha256: 'ab'.repeat(32),
    };
    cache.set({ type: 'file', path }, v);
    cache.set({ type: 'file', path, content: true }, { ...v, content: Buffer.from(content) });
  };
  file('/etc/app.conf', 'old\n');
  file('/opt/tomcat/conf/server.xml', '<Server/>\n');
  cache.set(
    { type: 'firewall', zone: 'public' },
    { running: true, installed: true, permanent: ['22/tcp'], runtime: ['22/tcp'], richRules: [] },
  );
  cache.set({ type: 'service', name: 'httpd', status: 'pgrep -x httpd' }, { running: false });
  cache.set({ type: 'command', command: 'uptime' }, { code: 0, stdout: 'up' });
  return cache;
}

/** Every fact the cache holds, by key, contents as text. */
function known(cache: FactCache): Record<string, unknown> {
  const values = (cache as unknown as { values: Map<string, { content?: Buffer } | null> }).values;
  return Object.fromEntries(
    [...values]
      .map(([k, v]) => [k, v?.content ? { ...v, content: v.content.toString('utf8') } : v] as const)
      .sort(([a], [b]) => (a < b ? -1 : 1)),
  );
}

/** The rollback plan of a journal holding this one entry, its backups existing, absent or never written. */
function undo(kind: string, entry: { paths: string[] }, variant: 'existed' | 'absent' | 'never-made') {
  const lines = [`R R1 ${b64('id=R1\ntime=2026-01-01T00:00:00.000Z\nstatus=complete\n')}`, `E R1 0007 ${b64(JSON.stringify(entry))}`];
  entry.paths.forEach((_p, i) => {
    if (variant === 'existed') lines.push(`B R1 0007.${i} f ${'cd'.repeat(32)}`);
    if (variant === 'absent') lines.push(`B R1 0007.${i}.absent -`);
    lines.push(`P R1 0007 ${i} f ${'ef'.repeat(32)}`);
  });
  if (kind === 'service') lines.push(`B R1 0007.${variant === 'absent' ? 'stopped' : 'running'} -`);
  const plan = planRollback(parseJournal(lines.join('\n')));
  // Balancer steps run last (plan.late), after every rolling unit is back: in order, they are the steps.
  return { steps: [...plan.steps, ...plan.late], services: plan.services, firewallReload: plan.firewallReload, drift: plan.drift };
}

/** The hint of the error a failing change raises, exit code `code`. */
async function hint(change: Change, code: number): Promise<string | undefined> {
  const t = { exec: async () => ({ code, stdout: '', stderr: 'boom' }), stats: { roundTrips: 0, connections: 0 } } as unknown as Transport;
  const h = new HostRun('h1', t, {}, new FactCache(t, 'h1'), 'R', 'pb.yml');
  const err = await h.applyAll([change], 'a task').then(
    () => undefined,
    (e: { hint?: string }) => e,
  );
  return err?.hint;
}

/** `RECORD_CASES=1` rewrites a kind's cases from the engine as it is (review the git diff): a new kind starts from its inputs. */
async function record(kind: string): Promise<void> {
  const cases = load(kind);
  for (const c of cases) {
    const change = toChange(c.change);
    c.body = tmp(changeScript(change).script);
    const full = changeScript(change, { slot: { runId: '20260101T000000Z-aaaaaa', seq: 7 }, task: mask('task with s3cret'), mask });
    c.script = tmp(full.script);
    if (full.stdin) c.stdin = full.stdin.toString('utf8');
    c.entry = /'(\{"seq":7.*?\})' > "\$J\/entries/.exec(full.script)![1]!.replaceAll("'\\''", "'");
    const learned = (applied: boolean) => {
      const cache = seeded();
      learn(cache, change, applied);
      return known(cache);
    };
    c.learned = { simulated: learned(false), applied: learned(true) };
    c.undo = Object.fromEntries(
      (['existed', 'absent', 'never-made'] as const).map((v) => [v, undo(kind, JSON.parse(c.entry), v)]),
    ) as Case['undo'];
    for (const code of Object.keys(c.hints ?? {})) c.hints[code] = (await hint(change, Number(code))) ?? '';
  }
  writeFileSync(new URL(`${kind}.json`, dir), `${JSON.stringify(cases, null, 2)}\n`);
}

describe.each(kinds)('change kind %s', (kind) => {
  it.each(load(kind).map((c) => [c.name, c] as const))('%s', async (_name, c0) => {
    if (process.env.RECORD_CASES === '1') await record(kind);
    const c = load(kind).find((x) => x.name === c0.name)!;
    const change = toChange(c.change);
    expect(tmp(changeScript(change).script)).toBe(c.body);
    const full = changeScript(change, { slot: { runId: '20260101T000000Z-aaaaaa', seq: 7 }, task: mask('task with s3cret'), mask });
    expect(tmp(full.script)).toBe(c.script);
    expect(full.stdin?.toString('utf8')).toBe(c.stdin);
    expect(full.script).toContain(`'${c.entry.replaceAll("'", "'\\''")}'`);
    for (const applied of [false, true]) {
      const cache = seeded();
      learn(cache, change, applied);
      expect(known(cache)).toEqual(c.learned[applied ? 'applied' : 'simulated']);
    }
    for (const variant of ['existed', 'absent', 'never-made'] as const)
      expect(undo(kind, JSON.parse(c.entry), variant)).toEqual(c.undo[variant]);
    for (const [code, h] of Object.entries(c.hints)) expect(await hint(change, Number(code))).toBe(h);
  });
});
