import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD_USER, PASSWORD_USER_PASSWORD, startSshd, type TestSshd } from '../helpers/sshd.ts';

// -k and -K through the real CLI: a user who logs in with a password and needs it for sudo.
let sshd: TestSshd;
let dir: string;
const BIN = join(import.meta.dirname, '../../bin/provision.js');

beforeAll(async () => {
  sshd = await startSshd();
  dir = mkdtempSync(join(tmpdir(), 'pv-ask-pass-'));
  writeFileSync(
    join(dir, 'hosts.ini'),
    `[box]\nbox1 ansible_host=127.0.0.1 ansible_port=${sshd.port} ansible_user=${PASSWORD_USER} ` +
      `provision_known_hosts_file=${sshd.knownHostsPath}\n`,
  );
  writeFileSync(join(dir, 'ansible.cfg'), '[defaults]\n');
  // Planning reads the file through sudo (/root is root-only): it works only if sudo took the password.
  writeFileSync(
    join(dir, 'site.yml'),
    '- hosts: box\n  become: true\n  tasks:\n    - name: probe\n      copy: { dest: /root/pv-ask-pass-probe, content: "x" }\n',
  );
}, 30_000);

afterAll(async () => {
  await sshd?.stop();
});

async function run(flags: string[], stdin: string) {
  const r = await execa('node', [BIN, '-i', 'hosts.ini', 'site.yml', '--check', ...flags], {
    cwd: dir,
    input: stdin,
    reject: false,
    timeout: 60_000,
    // No agent and no default keys: the password is the only way in.
    env: { CI: 'true', SSH_AUTH_SOCK: '', HOME: dir, ANSIBLE_CONFIG: join(dir, 'ansible.cfg') },
  });
  return { code: r.exitCode, out: `${r.stdout}\n${r.stderr}` };
}

describe('-k/--ask-pass and -K/--ask-become-pass', () => {
  it('the SSH password and the sudo password are asked (here: read from stdin) and used', async () => {
    const r = await run(['-k', '-K'], `${PASSWORD_USER_PASSWORD}\n${PASSWORD_USER_PASSWORD}\n`);
    expect(r.out).toContain('SSH password:');
    expect(r.out).toContain('BECOME password');
    expect(r.code, r.out).toBe(0);
    expect(r.out).toMatch(/would change|would create|changed/);
    expect(r.out).not.toContain(PASSWORD_USER_PASSWORD);
  });

  it('without -K the same plan fails at sudo: the probe really needs the sudo password', async () => {
    const r = await run(['-k'], `${PASSWORD_USER_PASSWORD}\n`);
    expect(r.code).toBe(2);
    expect(r.out).toMatch(/sudo/);
  });

  it('a wrong SSH password is an authentication failure (exit 3), not a hang', async () => {
    const r = await run(['-k'], 'not-the-password\n');
    expect(r.code).toBe(3);
    expect(r.out).toMatch(/authentication failed for pvpass@127\.0\.0\.1/);
  });
});
