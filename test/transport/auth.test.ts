import { execFileSync, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthError, ConnectError } from '../../src/core/errors.ts';
import { SshTransport } from '../../src/transport/index.ts';
import { KEY_PASSPHRASE, PASSWORD_USER, PASSWORD_USER_PASSWORD, freePort, startSshd, type TestSshd } from '../helpers/sshd.ts';
import { specFor } from './spec.ts';

let sshd: TestSshd;

beforeAll(async () => {
  sshd = await startSshd();
}, 30_000);

afterAll(async () => {
  await sshd?.stop();
});

async function whoami(t: SshTransport): Promise<string> {
  const out = (await t.exec('id -un')).stdout.trim();
  await t.close();
  return out;
}

describe('authentication', () => {
  it('logs in with a passphrase-protected key', async () => {
    const t = await SshTransport.connect(specFor(sshd, { privateKeyFile: sshd.passphraseKeyPath, passphrase: KEY_PASSPHRASE }));
    expect(await whoami(t)).toBe('root');
  });

  it('explains a wrong or missing passphrase before contacting the host', async () => {
    const wrong = await SshTransport.connect(specFor(sshd, { privateKeyFile: sshd.passphraseKeyPath, passphrase: 'nope' })).catch(
      (e: unknown) => e,
    );
    expect(wrong).toBeInstanceOf(AuthError);
    expect(String(wrong)).toContain(sshd.passphraseKeyPath);
    expect(String(wrong)).toContain('passphrase is wrong');
    const missing = await SshTransport.connect(specFor(sshd, { privateKeyFile: sshd.passphraseKeyPath })).catch((e: unknown) => e);
    expect(String(missing)).toContain('encrypted and no passphrase was given');
    expect((missing as AuthError).hint).toContain('ssh-agent');
  });

  it('names the file and the host when the key file is missing', async () => {
    const file = join(sshd.dir, 'no-such-key');
    const err = await SshTransport.connect(specFor(sshd, { privateKeyFile: file })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuthError);
    const e = err as AuthError;
    expect(e.message).toContain(file);
    expect(e.message).toContain('testhost');
    expect(e.message).toContain('ENOENT');
    expect(e.host).toBe('testhost');
    expect(e.hint).toContain('ansible_ssh_private_key_file');
  });

  it('reports a rejected key with the user and the methods tried, without retrying', async () => {
    const started = Date.now();
    const err = await SshTransport.connect(specFor(sshd, { privateKeyFile: sshd.unauthorizedKeyPath, connectAttempts: 3 })).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(AuthError);
    const msg = (err as AuthError).message;
    expect(msg).toContain(`root@127.0.0.1:${sshd.port}`);
    expect(msg).toContain(`publickey (${sshd.unauthorizedKeyPath})`);
    expect(msg).not.toContain('attempts');
    expect((err as AuthError).hint).toContain('authorized_keys');
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it('logs in with a password, and refuses a wrong one as AuthError', async () => {
    const ok = await SshTransport.connect(
      specFor(sshd, { user: PASSWORD_USER, privateKeyFile: undefined, password: PASSWORD_USER_PASSWORD }),
    );
    expect(await whoami(ok)).toBe(PASSWORD_USER);
    const bad = SshTransport.connect(specFor(sshd, { user: PASSWORD_USER, privateKeyFile: undefined, password: 'wrong' }));
    await expect(bad).rejects.toThrow(/authentication failed for pvpass@.*tried password/);
  }, 15_000);

  it('logs in with a key held by ssh-agent', async () => {
    const sock = join(sshd.dir, 'agent.sock');
    const agent = spawn('ssh-agent', ['-D', '-a', sock], { stdio: 'ignore' });
    const saved = process.env.SSH_AUTH_SOCK;
    try {
      for (let i = 0; i < 50; i++) {
        try {
          execFileSync('ssh-add', [sshd.keyPath], { env: { ...process.env, SSH_AUTH_SOCK: sock }, stdio: 'ignore' });
          break;
        } catch {
          await new Promise((r) => setTimeout(r, 100));
        }
      }
      process.env.SSH_AUTH_SOCK = sock;
      const t = await SshTransport.connect(specFor(sshd, { privateKeyFile: undefined, agent: true }));
      expect(await whoami(t)).toBe('root');
    } finally {
      if (saved === undefined) delete process.env.SSH_AUTH_SOCK;
      else process.env.SSH_AUTH_SOCK = saved;
      if (agent.pid !== undefined) process.kill(agent.pid, 'SIGTERM');
    }
  });
});

describe('connection failures', () => {
  it('gives up on a closed port after the configured attempts with backoff', async () => {
    const port = await freePort();
    const started = Date.now();
    const err = await SshTransport.connect(specFor(sshd, { port, connectAttempts: 3 })).catch((e: unknown) => e);
    const elapsed = Date.now() - started;
    expect(err).toBeInstanceOf(ConnectError);
    expect(err).not.toBeInstanceOf(AuthError);
    const e = err as ConnectError;
    expect(e.message).toContain(`127.0.0.1:${port}`);
    expect(e.message).toContain('connection refused');
    expect(e.message).toContain('after 3 attempts');
    expect(e.hint).toContain(`port ${port}`);
    // Two waits: 0.5 s then 1 s.
    expect(elapsed).toBeGreaterThanOrEqual(1_400);
    expect(elapsed).toBeLessThan(5_000);
  });

  it('times out on a server that accepts TCP but never speaks SSH', async () => {
    const silent: Server = createServer(() => undefined);
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', () => r()));
    const addr = silent.address();
    const port = typeof addr === 'object' && addr ? addr.port : 0;
    try {
      const err = await SshTransport.connect(specFor(sshd, { port, connectTimeoutMs: 500, connectAttempts: 1 })).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ConnectError);
      expect(String(err)).toContain('no SSH handshake within 500 ms');
    } finally {
      silent.close();
    }
  });
});
