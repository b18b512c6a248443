import { execFileSync, spawn } from 'node:child_process';
import { join } from 'node:path';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthError, ConnectError } from '../../src/core/errors.ts';
import { SshTransport } from '../../src/transport/index.ts';
import { retryDelaysMs } from '../../src/transport/ssh-connect.ts';
import { KEY_PASSPHRASE, PASSWORD_USER, PASSWORD_USER_PASSWORD, freePort, startSshd, type TestSshd } from '../helpers/sshd.ts';
import { specFor } from './spec.ts';

let sshd: TestSshd;

beforeAll(async () => {
  sshd = await startSshd();
}, 30_000);

afterAll(async () => {
  await sshd?.stop();
});

/** A TCP relay to 127.0.0.1:`target` that counts the connections it is given. */
async function countingRelay(target: number): Promise<{ port: number; connections: () => number; close: () => Promise<void> }> {
  let n = 0;
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    n++;
    const upstream = connect(target, '127.0.0.1');
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => s.destroy());
      s.on('close', () => sockets.delete(s));
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    port: (server.address() as { port: number }).port,
    connections: () => n,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

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
    // A TCP relay in front of sshd counts the connections: one, although 3 attempts are allowed.
    const proxy = await countingRelay(sshd.port);
    try {
      const spec = specFor(sshd, {
        port: proxy.port,
        hostKeyChecking: 'off',
        privateKeyFile: sshd.unauthorizedKeyPath,
        connectAttempts: 3,
      });
      const err = await SshTransport.connect(spec).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AuthError);
      const msg = (err as AuthError).message;
      expect(msg).toContain(`root@127.0.0.1:${proxy.port}`);
      expect(msg).toContain(`publickey (${sshd.unauthorizedKeyPath})`);
      expect(msg).not.toContain('attempts');
      expect((err as AuthError).hint).toContain('authorized_keys');
      expect(proxy.connections()).toBe(1);
    } finally {
      await proxy.close();
    }
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
  it('gives up on a closed port after the configured attempts', async () => {
    const port = await freePort();
    const err = await SshTransport.connect(specFor(sshd, { port, connectAttempts: 3 })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectError);
    expect(err).not.toBeInstanceOf(AuthError);
    const e = err as ConnectError;
    expect(e.message).toContain(`127.0.0.1:${port}`);
    expect(e.message).toContain('connection refused');
    expect(e.message).toContain('after 3 attempts');
    expect(e.hint).toContain(`port ${port}`);
  });

  it('waits longer before each retry: 0.5 s, 1 s, 2 s … at most 8 s', () => {
    expect(retryDelaysMs(1)).toEqual([]);
    expect(retryDelaysMs(3)).toEqual([500, 1_000]);
    expect(retryDelaysMs(7)).toEqual([500, 1_000, 2_000, 4_000, 8_000, 8_000]);
  });

  it('retries a dropped setup the configured number of times, then says so', async () => {
    // Each connection is reset at once (ECONNRESET, worth a retry): the server counts the attempts.
    let attempts = 0;
    const resetting: Server = createServer((s) => {
      attempts++;
      s.resetAndDestroy();
    });
    await new Promise<void>((r) => resetting.listen(0, '127.0.0.1', () => r()));
    const port = (resetting.address() as { port: number }).port;
    try {
      const err = await SshTransport.connect(specFor(sshd, { port, connectAttempts: 3 })).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ConnectError);
      expect(err).not.toBeInstanceOf(AuthError);
      expect((err as ConnectError).message).toContain('after 3 attempts');
      expect(attempts).toBe(3);
    } finally {
      await new Promise((r) => resetting.close(r));
    }
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
