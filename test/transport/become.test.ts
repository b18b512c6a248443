import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sh } from '../../src/core/quote.ts';
import { SshTransport } from '../../src/transport/index.ts';
import { NOPASSWD_USER, PASSWORD_USER, PASSWORD_USER_PASSWORD, startSshd, type TestSshd } from '../helpers/sshd.ts';
import { specFor } from './spec.ts';

let sshd: TestSshd;
let root: SshTransport;
let nopasswd: SshTransport;
let withPassword: SshTransport;

beforeAll(async () => {
  sshd = await startSshd();
  root = await SshTransport.connect(specFor(sshd));
  nopasswd = await SshTransport.connect(specFor(sshd, { user: NOPASSWD_USER, become: true }));
  withPassword = await SshTransport.connect(specFor(sshd, { user: PASSWORD_USER, become: true, becomePassword: PASSWORD_USER_PASSWORD }));
}, 30_000);

afterAll(async () => {
  await Promise.all([root, nopasswd, withPassword].map((t) => t?.close()));
  await sshd?.stop();
});

describe('become with a NOPASSWD sudo rule', () => {
  it('runs commands as root, and as the user when become is off for one exec', async () => {
    expect((await nopasswd.exec('id -u')).stdout).toBe('0\n');
    expect((await nopasswd.exec('id -un', { become: false })).stdout).toBe(`${NOPASSWD_USER}\n`);
  });

  it('keeps stdin, stderr and exit codes of the command', async () => {
    const r = await nopasswd.exec('cat; echo oops >&2; exit 5', { stdin: 'data\n' });
    expect(r).toMatchObject({ code: 5, stdout: 'data\n', stderr: 'oops\n' });
  });

  it('times out a root command and really kills it', async () => {
    const r = await nopasswd.exec('echo started; sleep 7.8765', { timeoutMs: 500 });
    expect(r.code).toBe(124);
    expect(r.stdout).toBe('started\n');
    const alive = () => root.exec("pgrep -f 'sleep 7[.]8765'").then((x) => x.code === 0);
    for (let i = 0; i < 30 && (await alive()); i++) await new Promise((res) => setTimeout(res, 100));
    expect(await alive()).toBe(false);
  }, 15_000);

  it('becomes another user with becomeUser', async () => {
    const t = await SshTransport.connect(specFor(sshd, { user: NOPASSWD_USER, become: true, becomeUser: PASSWORD_USER }));
    try {
      expect((await t.exec('id -un')).stdout).toBe(`${PASSWORD_USER}\n`);
    } finally {
      await t.close();
    }
  });

  it('writes a root-owned file where the user alone may not, and reads it back', async () => {
    const p = join('/root', `provision-become-${process.pid}.conf`);
    await nopasswd.writeFile(p, Buffer.from('secret=1\n'), { mode: 0o600 });
    expect((await root.exec(sh`stat -c '%U:%G %a' ${p}`.text)).stdout.trim()).toBe('root:root 600');
    expect((await nopasswd.readFile(p))?.toString()).toBe('secret=1\n');
    // Without become the same read is refused: the file really is root-only.
    const plain = await SshTransport.connect(specFor(sshd, { user: NOPASSWD_USER }));
    try {
      await expect(plain.readFile(p)).rejects.toMatchObject({ name: 'CommandError' });
    } finally {
      await plain.close();
      await root.exec(sh`rm -f ${p}`.text);
    }
  });
});

describe('become with a password', () => {
  it('runs as root and the command still gets its stdin after the password line', async () => {
    const r = await withPassword.exec('id -u; cat', { stdin: 'line1\nline2\n' });
    expect(r).toMatchObject({ code: 0, stdout: '0\nline1\nline2\n' });
    expect(r.stderr).not.toContain('password');
  });

  it('writes a root-owned file and passes binary stdin through untouched', async () => {
    const p = join(sshd.dir, 'become-pw.bin');
    const bytes = Buffer.from([0, 10, 13, 255, 10, 0, 65]);
    await withPassword.writeFile(p, bytes);
    expect((await root.exec(sh`stat -c '%U' ${p}`.text)).stdout.trim()).toBe('root');
    expect((await withPassword.readFile(p))?.equals(bytes)).toBe(true);
  });

  it('throws AuthError for a wrong become password', async () => {
    const t = await SshTransport.connect(specFor(sshd, { user: PASSWORD_USER, become: true, becomePassword: 'not-the-password' }));
    try {
      const err = await t.exec('id -u', { timeoutMs: 20_000 }).catch((e: unknown) => e);
      expect(err).toMatchObject({ name: 'AuthError', hint: expect.stringContaining('become_password') });
      expect(String(err)).toContain('rejected the become password');
    } finally {
      await t.close();
    }
  }, 20_000);

  it('throws AuthError naming the missing password when sudo needs one', async () => {
    const t = await SshTransport.connect(specFor(sshd, { user: PASSWORD_USER, become: true }));
    try {
      const err = await t.exec('id -u').catch((e: unknown) => e);
      expect(err).toMatchObject({ name: 'AuthError', hint: expect.stringContaining('ansible_become_password') });
      expect(String(err)).toContain('password is required');
    } finally {
      await t.close();
    }
  });
});
