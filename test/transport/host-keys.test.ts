import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HostKeyError } from '../../src/core/errors.ts';
import { SshTransport, namesMatch } from '../../src/transport/index.ts';
import { startSshd, type TestSshd } from '../helpers/sshd.ts';
import { specFor } from './spec.ts';

let sshd: TestSshd;
let n = 0;

beforeAll(async () => {
  sshd = await startSshd();
}, 30_000);

afterAll(async () => {
  await sshd?.stop();
});

/** A fresh known_hosts file with the given content. */
function knownHosts(content: string): string {
  const file = join(sshd.dir, `known_hosts_${++n}`);
  writeFileSync(file, content);
  return file;
}

/** A different ed25519 public key line and its fingerprint. */
function otherKey(): { line: string; fp: string } {
  const path = join(sshd.dir, `other_host_key_${++n}`);
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', path]);
  const line = readFileSync(`${path}.pub`, 'utf8').split(' ').slice(0, 2).join(' ');
  const fp = execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', `${path}.pub`], { encoding: 'utf8' }).split(' ')[1];
  return { line, fp: fp ?? '' };
}

async function connectOk(file: string, mode: 'strict' | 'accept-new' | 'off'): Promise<void> {
  const t = await SshTransport.connect(specFor(sshd, { knownHostsFile: file, hostKeyChecking: mode }));
  expect((await t.exec('echo ok')).stdout).toBe('ok\n');
  await t.close();
}

describe('host key checking', () => {
  it('accepts the known key', async () => {
    await connectOk(sshd.knownHostsPath, 'strict');
  });

  it('refuses an unknown host in strict mode, showing the fingerprint and how to fix it', async () => {
    const file = knownHosts(`# nothing here\nother.example ${sshd.hostPublicKey}\n`);
    const err = await SshTransport.connect(specFor(sshd, { knownHostsFile: file })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HostKeyError);
    const e = err as HostKeyError;
    expect(e.message).toContain(sshd.hostKeyFingerprint);
    expect(e.message).toContain(file);
    expect(e.hint).toContain('ssh-keyscan');
    expect(e.hint).toContain('accept-new');
  });

  it('accept-new records the key in a form OpenSSH reads; strict then connects', async () => {
    const file = join(sshd.dir, 'sub', 'known_hosts_new');
    await connectOk(file, 'accept-new');
    const found = execFileSync('ssh-keygen', ['-F', `[127.0.0.1]:${sshd.port}`, '-f', file], { encoding: 'utf8' });
    expect(found).toContain(sshd.hostPublicKey);
    await connectOk(file, 'strict');
    // A second accept-new connect adds nothing.
    await connectOk(file, 'accept-new');
    expect(readFileSync(file, 'utf8').trim().split('\n')).toHaveLength(1);
  });

  it('appends on a new line when the file lacks a trailing newline', async () => {
    const file = knownHosts(`other.example ${otherKey().line}`);
    await connectOk(file, 'accept-new');
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toBe(`[127.0.0.1]:${sshd.port} ${sshd.hostPublicKey}`);
  });

  it('accepts a hashed entry written by ssh-keygen -H', async () => {
    const file = knownHosts(`[127.0.0.1]:${sshd.port} ${sshd.hostPublicKey}\n`);
    execFileSync('ssh-keygen', ['-q', '-H', '-f', file]);
    expect(readFileSync(file, 'utf8')).toMatch(/^\|1\|/);
    await connectOk(file, 'strict');
  });

  it('accepts a comma-separated name list', async () => {
    await connectOk(knownHosts(`web1,[127.0.0.1]:${sshd.port},10.0.0.5 ${sshd.hostPublicKey}\n`), 'strict');
  });

  for (const mode of ['strict', 'accept-new'] as const) {
    it(`refuses a changed key in ${mode} mode, showing both fingerprints and file:line`, async () => {
      const old = otherKey();
      const file = knownHosts(`# header\n[127.0.0.1]:${sshd.port} ${old.line}\n`);
      const before = readFileSync(file, 'utf8');
      const err = await SshTransport.connect(specFor(sshd, { knownHostsFile: file, hostKeyChecking: mode })).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(HostKeyError);
      const msg = (err as HostKeyError).message;
      expect(msg).toContain('CHANGED');
      expect(msg).toContain(old.fp);
      expect(msg).toContain(sshd.hostKeyFingerprint);
      expect(msg).toContain(`${file}:2`);
      expect((err as HostKeyError).hint).toContain('ssh-keygen -R');
      expect(readFileSync(file, 'utf8')).toBe(before);
    });
  }

  it('connects despite a changed key when checking is off', async () => {
    await connectOk(knownHosts(`[127.0.0.1]:${sshd.port} ${otherKey().line}\n`), 'off');
  });

  it('refuses a key marked @revoked', async () => {
    const file = knownHosts(`@revoked * ${sshd.hostPublicKey}\n[127.0.0.1]:${sshd.port} ${sshd.hostPublicKey}\n`);
    await expect(SshTransport.connect(specFor(sshd, { knownHostsFile: file }))).rejects.toThrow(/REVOKED/);
  });
});

describe('namesMatch', () => {
  it('matches plain names, [host]:port, wildcards and negation like OpenSSH', () => {
    expect(namesMatch('web1,web2', 'web2')).toBe(true);
    expect(namesMatch('web1', 'web10')).toBe(false);
    expect(namesMatch('[10.0.0.5]:2222', '[10.0.0.5]:2222')).toBe(true);
    expect(namesMatch('10.0.0.5', '[10.0.0.5]:2222')).toBe(false);
    expect(namesMatch('*.example.com', 'app.example.com')).toBe(true);
    expect(namesMatch('*.example.com,!db.example.com', 'db.example.com')).toBe(false);
    expect(namesMatch('WEB1', 'web1')).toBe(true);
  });
});
