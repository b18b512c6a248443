/**
 * Ansible users' own files, unchanged, through the real CLI on lab hosts: an INI inventory with
 * `:children` and `:vars`, a group_vars file encrypted by the real ansible-vault, and a host that
 * only its neighbour can reach (firewalld rejects SSH from the control machine), reached through
 * `ansible_ssh_common_args='-o ProxyJump=…'`.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { useLab } from '../helpers/lab.ts';

const lab = useLab({ profile: 'scale', hosts: 2, services: false });
const BIN = join(import.meta.dirname, '../../bin/provision.js');
const SECRET = 'S3cr3t-from-the-vault';
let dir: string;
let front: string;
let back: string;

async function cli(args: string[]) {
  const r = await execa('node', [BIN, ...args], {
    reject: false,
    timeout: 120_000,
    cwd: dir,
    env: { CI: 'true', ANSIBLE_CONFIG: join(dir, 'ansible.cfg') },
  });
  return { code: r.exitCode, out: `${r.stdout}\n${r.stderr}` };
}

const ini = (jump: boolean) =>
  [
    '# the cluster, in INI',
    '[front]',
    `${front} ansible_host=${lab.info.hosts.find((h) => h.name === front)!.ip}`,
    '[back]',
    `${back} ansible_host=${lab.info.hosts.find((h) => h.name === back)!.ip}` +
      (jump ? ` ansible_ssh_common_args='-o ProxyJump=root@${lab.info.hosts.find((h) => h.name === front)!.ip}'` : ''),
    '[cluster:children]',
    'front',
    'back',
    '[cluster:vars]',
    'ansible_user=root',
    `ansible_ssh_private_key_file=${lab.info.keyPath}`,
    `provision_known_hosts_file=${lab.info.knownHostsPath}`,
    '',
  ].join('\n');

beforeAll(async () => {
  [front, back] = lab.hosts as [string, string];
  dir = mkdtempSync(join(tmpdir(), 'pv-ansible-files-'));
  mkdirSync(join(dir, 'group_vars'));
  writeFileSync(join(dir, 'hosts.ini'), ini(true));
  writeFileSync(join(dir, 'direct.ini'), ini(false));
  // ansible.cfg names the vault password file, as a user's project would.
  writeFileSync(join(dir, 'ansible.cfg'), '[defaults]\nvault_password_file = vault.pw\n');
  writeFileSync(join(dir, 'vault.pw'), 'e2e-vault-password\n');
  writeFileSync(join(dir, 'group_vars', 'cluster.yml'), `marker_secret: ${SECRET}\n`);
  // The real ansible-vault, reading the same ansible.cfg (its vault_password_file).
  await execa('ansible-vault', ['encrypt', 'group_vars/cluster.yml'], { cwd: dir, env: { ANSIBLE_CONFIG: join(dir, 'ansible.cfg') } });
  writeFileSync(
    join(dir, 'site.yml'),
    '- hosts: cluster\n  tasks:\n    - name: marker\n' +
      '      copy: { dest: /root/pv-ansible-files, content: "secret={{ marker_secret }}\\n" }\n',
  );
  // Only the front host may open SSH to the back host: reject the control machine's own address.
  const backIp = lab.info.hosts.find((h) => h.name === back)!.ip;
  const route = await execa('ip', ['route', 'get', backIp]);
  const control = /\bsrc (\S+)/.exec(route.stdout)![1]!;
  const r = await lab.exec(back, `firewall-cmd --add-rich-rule='rule family=ipv4 source address=${control} service name=ssh reject'`);
  expect(r.code).toBe(0);
});

describe('an INI inventory, a vaulted group_vars file and a jump host, unchanged', () => {
  it('without the jump, the back host is refused: exit 3, "connection refused", nothing changed anywhere', async () => {
    const r = await cli(['-i', 'direct.ini', 'site.yml']);
    expect(r.code).toBe(3);
    expect(r.out).toContain(`cannot connect to ${back}`);
    expect(r.out).toContain('connection refused');
    for (const h of lab.hosts) expect((await lab.exec(h, 'test -e /root/pv-ansible-files')).code).toBe(1);
  });

  it('through the jump: both hosts get the vaulted value, never shown; the rerun changes nothing; rollback undoes it', async () => {
    const run = await cli(['-i', 'hosts.ini', 'site.yml', '--diff']);
    expect(run.code, run.out).toBe(0);
    expect(run.out).toContain('secret=********');
    expect(run.out).not.toContain(SECRET);
    for (const h of lab.hosts) expect((await lab.exec(h, 'cat /root/pv-ansible-files; echo .')).stdout).toBe(`secret=${SECRET}\n.`);
    const again = await cli(['-i', 'hosts.ini', 'site.yml']);
    expect(again.code).toBe(0);
    expect(again.out).toMatch(new RegExp(`${back} : ok=1 changed=0`));
    const back_ = await cli(['rollback', '-i', 'hosts.ini']);
    expect(back_.code, back_.out).toBe(0);
    for (const h of lab.hosts) expect((await lab.exec(h, 'test -e /root/pv-ansible-files')).code).toBe(1);
  });
});
