import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sh } from '../../src/core/quote.ts';
import { SshTransport } from '../../src/transport/index.ts';
import { startSshd, type TestSshd } from '../helpers/sshd.ts';
import { specFor } from './spec.ts';

let sshd: TestSshd;
let t: SshTransport;
let work: string;

beforeAll(async () => {
  sshd = await startSshd();
  t = await SshTransport.connect(specFor(sshd));
  work = join(sshd.dir, 'files');
  await t.exec(sh`mkdir -p ${work} && chmod 755 ${work}`.text);
}, 30_000);

afterAll(async () => {
  await t?.close();
  await sshd?.stop();
});

async function stat(path: string): Promise<string> {
  return (await t.exec(sh`stat -c '%U:%G %a %i' ${path}`.text)).stdout.trim();
}

async function leftovers(): Promise<string[]> {
  const r = await t.exec(sh`ls -A ${work}`.text);
  return r.stdout.split('\n').filter((f) => f.includes('provision-tmp'));
}

describe('readFile', () => {
  it('returns null for an absent file and the exact bytes otherwise', async () => {
    expect(await t.readFile(join(work, 'nope.txt'))).toBeNull();
    const bytes = randomBytes(70_000);
    await t.writeFile(join(work, 'bin.dat'), bytes);
    const back = await t.readFile(join(work, 'bin.dat'));
    expect(back?.equals(bytes)).toBe(true);
    expect((await t.exec(sh`sha256sum ${join(work, 'bin.dat')}`.text)).stdout.split(' ')[0]).toBe(
      createHash('sha256').update(bytes).digest('hex'),
    );
  });

  it('throws a CommandError for a directory instead of returning null', async () => {
    await expect(t.readFile(work)).rejects.toMatchObject({ name: 'CommandError', host: 'testhost' });
  });

  it('costs one round trip per call', async () => {
    const before = t.stats.roundTrips;
    await t.readFile(join(work, 'nope.txt'));
    await t.writeFile(join(work, 'rt.txt'), Buffer.from('x'));
    expect(t.stats.roundTrips - before).toBe(2);
  });
});

describe('writeFile', () => {
  it('creates a new file 0644, owned by the connecting user', async () => {
    const p = join(work, 'new.conf');
    await t.writeFile(p, Buffer.from('hello\n'));
    expect((await t.readFile(p))?.toString()).toBe('hello\n');
    expect(await stat(p)).toMatch(/^root:root 644 /);
    expect(await leftovers()).toEqual([]);
  });

  it("keeps an existing file's owner and mode, and replaces it by rename", async () => {
    const p = join(work, 'owned.conf');
    await t.exec(sh`printf old > ${p} && chown pvtest:pvtest ${p} && chmod 640 ${p}`.text);
    const inodeBefore = (await stat(p)).split(' ')[2];
    await t.writeFile(p, Buffer.from('new content\n'));
    const [owner, mode, inode] = (await stat(p)).split(' ');
    expect([owner, mode]).toEqual(['pvtest:pvtest', '640']);
    // A new inode proves the file was renamed into place, not rewritten in place.
    expect(inode).not.toBe(inodeBefore);
    expect((await t.readFile(p))?.toString()).toBe('new content\n');
  });

  it('applies an explicit mode, owner and group', async () => {
    const p = join(work, 'explicit.conf');
    await t.writeFile(p, Buffer.from('x'), { mode: 0o600, owner: 'pvtest', group: 'pvpass' });
    expect(await stat(p)).toMatch(/^pvtest:pvpass 600 /);
  });

  it('writes through a symlink, keeping the link', async () => {
    const real = join(work, 'real.conf');
    const link = join(work, 'link.conf');
    await t.exec(sh`printf a > ${real} && ln -sfn ${real} ${link}`.text);
    await t.writeFile(link, Buffer.from('via link'));
    expect((await t.exec(sh`readlink ${link}`.text)).stdout.trim()).toBe(real);
    expect((await t.readFile(real))?.toString()).toBe('via link');
  });

  it('never exposes a half-written file to a concurrent reader', { timeout: 30_000 }, async () => {
    const p = join(work, 'atomic.dat');
    const a = Buffer.alloc(2_000_000, 'a');
    const b = Buffer.alloc(2_000_000, 'b');
    const sums = new Set([a, b].map((x) => createHash('md5').update(x).digest('hex')));
    await t.writeFile(p, a);
    const reader = t.exec(sh`for i in $(seq 150); do md5sum < ${p}; done`.text);
    for (let i = 0; i < 6; i++) await t.writeFile(p, i % 2 ? a : b);
    const seen = new Set(
      (await reader).stdout
        .trim()
        .split('\n')
        .map((l) => l.split(' ')[0]),
    );
    expect([...seen].every((s) => sums.has(s ?? ''))).toBe(true);
    expect(await leftovers()).toEqual([]);
  });

  it('fails with a CommandError and leaves no temp file when the target is a directory', async () => {
    const dir = join(work, 'adir');
    await t.exec(sh`mkdir -p ${dir}`.text);
    await expect(t.writeFile(dir, Buffer.from('x'))).rejects.toMatchObject({ name: 'CommandError' });
    expect((await t.exec(sh`ls -A ${dir}`.text)).stdout).toBe('');
    expect(await leftovers()).toEqual([]);
  });

  it('treats a hostile path as data: nothing is executed and the content round-trips', async () => {
    // A file name cannot hold '/', so the injected commands touch a name relative to the remote cwd.
    const name = `pwned-${randomBytes(4).toString('hex')}`;
    const p = join(work, `x; $(touch ${name}) \`touch ${name}\` ' " \n y.txt`);
    const content = Buffer.from(`body; $(touch ${name}) \` ' "\n`);
    await t.writeFile(p, content);
    expect((await t.readFile(p))?.equals(content)).toBe(true);
    expect(existsSync(p)).toBe(true);
    const home = (await t.exec('pwd')).stdout.trim();
    for (const dir of [home, work, '/']) expect(existsSync(join(dir, name))).toBe(false);
  });
});
