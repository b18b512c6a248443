/**
 * No script (and so no secret in one) is ever in a remote command line, where any user on the host
 * could read it in /proc/PID/cmdline: the command goes on stdin, for root and through sudo. Each
 * script below reads every process's command line on the host while it runs, with its secret in it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SshTransport } from '../../src/transport/index.ts';
import { NOPASSWD_USER, PASSWORD_USER, PASSWORD_USER_PASSWORD, startSshd, type TestSshd } from '../helpers/sshd.ts';
import { specFor } from './spec.ts';

let sshd: TestSshd;
const conns: Record<string, SshTransport> = {};

beforeAll(async () => {
  sshd = await startSshd();
  conns.root = await SshTransport.connect(specFor(sshd));
  conns['sudo NOPASSWD'] = await SshTransport.connect(specFor(sshd, { user: NOPASSWD_USER, become: true }));
  conns['sudo with a password'] = await SshTransport.connect(
    specFor(sshd, { user: PASSWORD_USER, become: true, becomePassword: PASSWORD_USER_PASSWORD }),
  );
}, 30_000);

afterAll(async () => {
  await Promise.all(Object.values(conns).map((t) => t.close()));
  await sshd?.stop();
});

/** Every process's command line on the host, one a line, read while the calling script runs. */
const DUMP = `for f in /proc/[0-9]*/cmdline; do tr '\\0' ' ' <"$f" 2>/dev/null; echo; done`;

describe.each(['root', 'sudo NOPASSWD', 'sudo with a password'])('%s: a script is never in a command line', (who) => {
  it('a secret in the script, inline as a base64 here-document (as a batch of changes)', async () => {
    const secret = `ajp-secret-${Math.random().toString(36).slice(2)}`;
    const b64 = Buffer.from(`secret="${secret}"\n`).toString('base64');
    const script = `{ base64 -d | (\nv=$(cat); ${DUMP}; printf '%s\\n' "$v" | wc -c\n); } <<'PROVISION_EOF'\n${b64}\nPROVISION_EOF`;
    const r = await conns[who]!.exec(script);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n');
    // The scan saw this very run: its bootstrap is there, its secret is not.
    expect(lines.some((l) => l.includes('provision_script=$(head -c'))).toBe(true);
    expect(lines.filter((l) => l.includes(secret))).toEqual([]);
    expect(lines.filter((l) => l.includes(b64))).toEqual([]);
    expect(lines.at(-1)).toBe(String(`secret="${secret}"\n`.length));
  });

  it('the script comes first on stdin, then the caller’s own stdin bytes, byte for byte (binary, large)', async () => {
    const data = Buffer.alloc(300 * 1024);
    for (let i = 0; i < data.length; i++) data[i] = (i * 131 + (i >> 9)) & 0xff;
    const r = await conns[who]!.exec(`: 'marker-${who}'\nhead -c 5 >/dev/null; wc -c; `, { stdin: data });
    expect(r).toMatchObject({ code: 0, stdout: `${data.length - 5}\n` });
    const echo = await conns[who]!.exec('cat', { stdin: data });
    expect(Buffer.compare(echo.stdoutBuf, data)).toBe(0);
  });

  it('without stdin a command reading it gets end of file, not the script', async () => {
    expect((await conns[who]!.exec('cat; echo done')).stdout).toBe('done\n');
  });

  it('under a timeout too', async () => {
    const secret = `timed-secret-${Math.random().toString(36).slice(2)}`;
    const r = await conns[who]!.exec(`: '${secret}'\n${DUMP}`, { timeoutMs: 20_000 });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('provision_script=$(head -c');
    expect(r.stdout).not.toContain(secret);
  });
});
