import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sh } from '../../src/core/quote.ts';
import { ConnectionPool, MAX_CHANNELS, SshTransport } from '../../src/transport/index.ts';
import { startSshd, type TestSshd } from '../helpers/sshd.ts';
import { specFor } from './spec.ts';

let sshd: TestSshd;
let t: SshTransport;

beforeAll(async () => {
  sshd = await startSshd();
  t = await SshTransport.connect(specFor(sshd));
}, 30_000);

afterAll(async () => {
  await t?.close();
  await sshd?.stop();
});

function processAlive(pattern: string): boolean {
  try {
    execFileSync('pgrep', ['-f', pattern]);
    return true;
  } catch {
    return false;
  }
}

describe('exec', () => {
  it('returns stdout, stderr and the exit code without throwing on non-zero', async () => {
    const r = await t.exec('echo out; echo err >&2; exit 3');
    expect(r).toMatchObject({ code: 0 + 3, stdout: 'out\n', stderr: 'err\n' });
    expect(r.stdoutBuf.toString()).toBe('out\n');
    expect((await t.exec('true')).code).toBe(0);
    expect((await t.exec('no-such-command-xyz')).code).toBe(127);
  });

  it('feeds stdin (string and binary) and closes it', async () => {
    expect((await t.exec('tr a-z A-Z', { stdin: 'hello\n' })).stdout).toBe('HELLO\n');
    const bytes = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    const r = await t.exec('cat', { stdin: bytes });
    expect(r.stdoutBuf.equals(bytes)).toBe(true);
    // Without stdin data the command sees EOF at once instead of hanging.
    expect((await t.exec('wc -c', { timeoutMs: 5_000 })).stdout.trim()).toBe('0');
  });

  it('kills a command that runs past its timeout and returns 124', async () => {
    // A sleep far longer than the test's own timeout: returning at all means it was cut short.
    const r = await t.exec('echo before; sleep 607.4321; echo after', { timeoutMs: 400 });
    expect(r.code).toBe(124);
    expect(r.stdout).toBe('before\n');
    expect(r.stderr).toContain('timed out after 400 ms');
    // The remote process is really gone (sshd runs on this machine).
    await expect.poll(() => processAlive('sleep 607.4321'), { timeout: 5_000, interval: 100 }).toBe(false);
    expect((await t.exec('echo still-usable')).stdout).toBe('still-usable\n');
  });

  it('reports a command killed by a signal as 128+n', async () => {
    expect((await t.exec('kill -TERM $$')).code).toBe(143);
    expect((await t.exec('kill -KILL $$')).code).toBe(137);
  });

  it('runs many execs concurrently on one connection', { timeout: 15_000 }, async () => {
    const c = await SshTransport.connect(specFor(sshd));
    try {
      // Each command waits (bounded) until MAX_CHANNELS of them have started: only channels that
      // really run at once get there; one at a time, the first would give up seeing only itself.
      const dir = (await c.exec('mktemp -d')).stdout.trim();
      const cmd = (i: number) =>
        `touch ${dir}/${i}; n=0; while [ $(ls ${dir} | wc -l) -lt ${MAX_CHANNELS} ] && [ $n -lt 100 ]; do sleep 0.05; n=$((n+1)); done; ` +
        `echo ${i} $(ls ${dir} | wc -l)`;
      const results = await Promise.all(Array.from({ length: 20 }, (_, i) => c.exec(cmd(i))));
      const seen = results.map((r) => r.stdout.trim().split(' ').map(Number));
      expect(seen.map(([i]) => i)).toEqual(Array.from({ length: 20 }, (_, i) => i));
      expect(seen.every(([, n]) => n! >= MAX_CHANNELS)).toBe(true);
      expect(c.stats).toMatchObject({ connections: 1, roundTrips: 21 });
      expect(c.stats.waitMs).toBeGreaterThan(0);
      await c.exec(`rm -rf ${dir}`);
    } finally {
      await c.close();
    }
  });

  it('passes hostile arguments as data when quoted with sh``', async () => {
    const marker = join(sshd.dir, 'pwned-exec');
    const value = `a; $(touch ${marker}) \`touch ${marker}\` ' " \n b`;
    const r = await t.exec(sh`printf %s ${value}`.text);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(value);
    expect(existsSync(marker)).toBe(false);
  });

  it('throws ConnectError for exec after close', async () => {
    const c = await SshTransport.connect(specFor(sshd));
    await c.close();
    await expect(c.exec('true')).rejects.toMatchObject({ name: 'ConnectError' });
  });
});

describe('ConnectionPool', () => {
  it('opens one connection per host name and closes them all', async () => {
    const pool = new ConnectionPool();
    const spec = specFor(sshd, { name: 'web1' });
    const [a, b] = await Promise.all([pool.get(spec), pool.get(spec)]);
    expect(a).toBe(b);
    const other = await pool.get(specFor(sshd, { name: 'web2' }));
    expect(other).not.toBe(a);
    await a?.exec('true');
    await other.exec('true');
    expect(await pool.stats()).toMatchObject({ connections: 2, roundTrips: 2 });
    await pool.closeAll();
    expect(pool.has('web1')).toBe(false);
    await expect(a?.exec('true')).rejects.toMatchObject({ name: 'ConnectError' });
  });

  it('forgets a failed connect so a later get tries again', async () => {
    const pool = new ConnectionPool();
    const bad = specFor(sshd, { name: 'db1', privateKeyFile: join(sshd.dir, 'missing-key') });
    await expect(pool.get(bad)).rejects.toMatchObject({ name: 'AuthError' });
    expect(pool.has('db1')).toBe(false);
    const good = await pool.get(specFor(sshd, { name: 'db1' }));
    expect((await good.exec('echo ok')).stdout).toBe('ok\n');
    await pool.closeAll();
  });
});
