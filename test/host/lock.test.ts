/**
 * The host lock: the answers `checkLock` reads (table-driven), and the acquire/release shell run by
 * this machine's sh against a temporary state directory instead of /var/lib/provision.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LockError } from '../../src/core/errors.ts';
import { STATE_DIR } from '../../src/host/layout.ts';
import { acquireScript, checkLock, describeHolder, releaseScript } from '../../src/host/lock.ts';

const holder = (stale: 0 | 1) =>
  `lock=held\nstale=${stale}\nholder.run=R1\nholder.user=alice\nholder.control=ctl\nholder.since=2026-01-01T00:00:00Z\nholder.pid=42\n`;

const cases: { name: string; out: string; error?: RegExp; hint?: RegExp }[] = [
  { name: 'taken', out: 'lock=ok\n' },
  { name: 'taken after breaking a stale one', out: 'lock=broken\nlock=ok\n' },
  {
    name: 'held by a live run',
    out: holder(0),
    error: /web1 is locked by another run in progress \(run R1 by alice from ctl, since 2026-01-01T00:00:00Z\)/,
    hint: /wait for that run/,
  },
  { name: 'held by a run that is gone', out: holder(1), error: /no longer connected/, hint: /--break-stale-lock/ },
  {
    name: 'no answer (state dir not writable)',
    out: 'mkdir: cannot create directory\n',
    error: /could not take the lock on web1/,
    hint: /writable/,
  },
];

describe('checkLock', () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', (_n, c) => {
    if (!c.error) return expect(() => checkLock(c.out, 'web1')).not.toThrow();
    let err: unknown;
    try {
      checkLock(c.out, 'web1');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(LockError);
    expect((err as LockError).message).toMatch(c.error);
    expect((err as LockError).hint).toMatch(c.hint!);
  });
});

describe('acquire and release on a real shell', () => {
  const dir = mkdtempSync(join(tmpdir(), 'provision-lock-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const run = (script: string) => spawnSync('sh', ['-c', script.replaceAll(STATE_DIR, dir)], { encoding: 'utf8' }).stdout;

  it('the first run takes it, a second is refused naming the first, release frees it for the second', () => {
    expect(() => checkLock(run(acquireScript('R1', { breakStale: false })), 'h')).not.toThrow();
    expect(readFileSync(join(dir, 'lock/holder'), 'utf8')).toMatch(/^run=R1$/m);
    // No sshd above this shell: the holder's pid is not a session, so the lock reads as stale.
    expect(() => checkLock(run(acquireScript('R2', { breakStale: false })), 'h')).toThrow(/run R1 by .*no longer connected|run R1 by/);
    run(releaseScript('R2'));
    expect(() => checkLock(run(acquireScript('R2', { breakStale: false })), 'h')).toThrow(LockError);
    run(releaseScript('R1'));
    expect(() => checkLock(run(acquireScript('R2', { breakStale: false })), 'h')).not.toThrow();
  });

  it('--break-stale-lock breaks a lock whose holder is gone, and says whose', () => {
    const out = run(acquireScript('R3', { breakStale: true }));
    expect(out).toContain('lock=broken');
    // It says whose lock it broke (R2 took it in the test above), and since when.
    const broken = checkLock(out, 'h');
    expect(broken).toMatchObject({ run: 'R2', user: userInfo().username, stale: true });
    expect(describeHolder(broken!)).toMatch(/^run R2 by \S+ from \S+, taken at \S+, \d+ s ago$/);
    expect(readFileSync(join(dir, 'lock/holder'), 'utf8')).toMatch(/^run=R3$/m);
  });
});
