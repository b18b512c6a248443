import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectError, HostKeyError } from '../../src/core/errors.ts';
import { connectionSpecFor } from '../../src/inventory/connection.ts';
import { loadInventory } from '../../src/inventory/load.ts';
import { SshTransport } from '../../src/transport/index.ts';
import { freePort, startSshd, type TestSshd } from '../helpers/sshd.ts';

// Two real sshds: the bastion (its DEBUG log shows each channel it forwards) and the target.
let bastion: TestSshd;
let target: TestSshd;
let dir: string;
let knownHosts: string;

beforeAll(async () => {
  [bastion, target] = await Promise.all([startSshd({ logLevel: 'DEBUG1' }), startSshd()]);
  dir = mkdtempSync(join(tmpdir(), 'provision-jump-'));
  knownHosts = join(dir, 'known_hosts');
  writeFileSync(knownHosts, `[127.0.0.1]:${bastion.port} ${bastion.hostPublicKey}\n[127.0.0.1]:${target.port} ${target.hostPublicKey}\n`);
  // Both servers authorize the target's client key, as a bastion usually takes the same key.
  writeFileSync(join(bastion.dir, 'authorized_keys', 'root'), `${readPub(target.keyPath)}\n`);
}, 60_000);

afterAll(async () => {
  await Promise.all([bastion?.stop(), target?.stop()]);
});

function readPub(key: string): string {
  return readFileSync(`${key}.pub`, 'utf8').trim();
}

/** The target host's spec from an INI inventory line, with the CLI's defaults. */
async function specFromInventory(line: string, sshConfig = 'none') {
  const file = join(dir, `hosts-${Math.random().toString(36).slice(2)}.ini`);
  writeFileSync(file, `[tomcat]\n${line}\n`);
  const inv = await loadInventory(file);
  return connectionSpecFor(inv.hosts.get('tc1')!, { knownHostsFile: knownHosts, connectAttempts: 1, sshConfigFile: sshConfig });
}

/** How many channels to `s` the bastion has forwarded so far (sshd's DEBUG1 line for a direct-tcpip request). */
const forwards = (s: TestSshd): number =>
  bastion
    .log()
    .split('\n')
    .filter((l) => l.includes('server_request_direct_tcpip') && l.includes(`port ${s.port}`)).length;

describe('reaching a host through a jump host, as Ansible users write it', () => {
  it('ansible_ssh_common_args="-o ProxyJump=…": commands run on the target, through a channel of the bastion', async () => {
    const spec = await specFromInventory(
      `tc1 ansible_host=127.0.0.1 ansible_port=${target.port} ansible_user=root ansible_ssh_private_key_file=${target.keyPath} ` +
        `ansible_ssh_common_args='-o ProxyJump=root@127.0.0.1:${bastion.port}'`,
    );
    const before = forwards(target);
    const t = await SshTransport.connect(spec);
    try {
      const r = await t.exec('cat /proc/sys/kernel/hostname; echo $SSH_CONNECTION');
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(` ${target.port}`);
    } finally {
      await t.close();
    }
    expect(forwards(target)).toBe(before + 1);
  });

  it('~/.ssh/config: Host aliases with HostName, User, Port, IdentityFile and ProxyJump, as OpenSSH reads them', async () => {
    const cfg = join(dir, 'ssh_config');
    writeFileSync(
      cfg,
      [
        'Host tomcat-1',
        '  HostName 127.0.0.1',
        `  Port ${target.port}`,
        '  ProxyJump bastion',
        'Host bastion',
        '  HostName 127.0.0.1',
        `  Port ${bastion.port}`,
        'Host *',
        '  User root',
        `  IdentityFile ${target.keyPath}`,
        '',
      ].join('\n'),
    );
    const spec = await specFromInventory('tc1 ansible_host=tomcat-1', cfg);
    const before = forwards(target);
    const t = await SshTransport.connect(spec);
    try {
      const r = await t.exec('id -un; echo $SSH_CONNECTION');
      expect(r.stdout.split('\n')[0]).toBe('root');
      expect(r.stdout).toContain(` ${target.port}`);
    } finally {
      await t.close();
    }
    expect(forwards(target)).toBe(before + 1);
  });

  it('ProxyCommand runs the real ssh client as the way in (ssh -W through the bastion)', async () => {
    const proxy =
      `ssh -q -i ${target.keyPath} -o UserKnownHostsFile=${knownHosts} -o StrictHostKeyChecking=yes ` +
      `-p ${bastion.port} -W %h:%p root@127.0.0.1`;
    const spec = await specFromInventory(
      `tc1 ansible_host=127.0.0.1 ansible_port=${target.port} ansible_user=root ansible_ssh_private_key_file=${target.keyPath} ` +
        `ansible_ssh_common_args="-o ProxyCommand='${proxy}'"`,
    );
    const before = forwards(target);
    const t = await SshTransport.connect(spec);
    try {
      expect((await t.exec('echo through-proxy-command')).stdout).toBe('through-proxy-command\n');
    } finally {
      await t.close();
    }
    expect(forwards(target)).toBe(before + 1);
  });

  it('a jump host that cannot reach the target says so: connection refused, through the jump host', async () => {
    const closed = await freePort();
    const spec = await specFromInventory(
      `tc1 ansible_host=127.0.0.1 ansible_port=${closed} ansible_user=root ansible_ssh_private_key_file=${target.keyPath} ` +
        `ansible_ssh_common_args='-J root@127.0.0.1:${bastion.port}'`,
    );
    const err = await SshTransport.connect(spec).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectError);
    expect((err as Error).message).toBe(
      `cannot connect to tc1 (127.0.0.1:${closed}): the jump host 127.0.0.1 cannot reach it: connection refused`,
    );
  });

  it('an unknown jump host key is refused like any host key, naming the jump host', async () => {
    const spec = await specFromInventory(
      `tc1 ansible_host=127.0.0.1 ansible_port=${target.port} ansible_user=root ansible_ssh_private_key_file=${target.keyPath} ` +
        `ansible_ssh_common_args='-o ProxyJump=root@localhost:${bastion.port}'`,
    );
    const err = await SshTransport.connect(spec).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HostKeyError);
    expect((err as Error).message).toMatch(/^cannot reach tc1 through its jump host: .*localhost/);
  });
});
