import { mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { ansibleSettings, findConfig, type AnsibleSettings } from '../../src/cli/ansible-cfg.ts';

const CFG = `[defaults]
# a comment
inventory = inventory/hosts.ini, ~/other.yml
remote_user = deploy   ; an inline comment, as Ansible's configparser allows
private_key_file = keys/id_ed25519
forks = 7
host_key_checking = False
roles_path = roles:/opt/roles
vault_password_file = .vault-pass
timeout = 25

[privilege_escalation]
become = yes
become_user = tomcat

[ssh_connection]
ssh_common_args = -o ProxyJump=bastion
`;

/** Our setting name → ansible-config's name, and how Python prints our value. */
const NAMES: [keyof AnsibleSettings, string][] = [
  ['inventory', 'DEFAULT_HOST_LIST'],
  ['remoteUser', 'DEFAULT_REMOTE_USER'],
  ['privateKeyFile', 'DEFAULT_PRIVATE_KEY_FILE'],
  ['forks', 'DEFAULT_FORKS'],
  ['hostKeyChecking', 'HOST_KEY_CHECKING'],
  ['rolesPath', 'DEFAULT_ROLES_PATH'],
  ['vaultPasswordFile', 'DEFAULT_VAULT_PASSWORD_FILE'],
  ['timeout', 'DEFAULT_TIMEOUT'],
  ['become', 'DEFAULT_BECOME'],
  ['becomeUser', 'DEFAULT_BECOME_USER'],
];
const py = (v: unknown): string =>
  Array.isArray(v) ? `[${v.map((x) => `'${x}'`).join(', ')}]` : typeof v === 'boolean' ? (v ? 'True' : 'False') : String(v);

/** `ansible-config dump --only-changed` as name → value. */
async function ansibleConfig(env: Record<string, string>, cwd: string): Promise<Map<string, string>> {
  const r = await execa('ansible-config', ['dump', '--only-changed'], { cwd, env });
  return new Map([...r.stdout.matchAll(/^(\w+)\([^)]*\) = (.*)$/gm)].map((m) => [m[1]!, m[2]!]));
}

describe('ansible.cfg and ANSIBLE_* read as Ansible reads them', () => {
  it('every supported setting has the value ansible-config reports, paths relative to the file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'provision-cfg-'));
    await writeFile(join(dir, 'ansible.cfg'), CFG);
    const env = { ANSIBLE_CONFIG: join(dir, 'ansible.cfg') };
    const ours = ansibleSettings(env, '/');
    const theirs = await ansibleConfig(env, '/');
    for (const [name, theirName] of NAMES) expect(`${name}=${py(ours[name])}`).toBe(`${name}=${theirs.get(theirName)}`);
    expect(ours.sshCommonArgs).toBe('-o ProxyJump=bastion');
    expect(ours.inventory).toEqual([join(dir, 'inventory/hosts.ini'), join(homedir(), 'other.yml')]);
  });

  it('an environment variable beats the file; relative paths in it start in the current directory', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'provision-cfg-'));
    await writeFile(join(dir, 'ansible.cfg'), CFG);
    const env = {
      ANSIBLE_CONFIG: dir,
      ANSIBLE_FORKS: '3',
      ANSIBLE_REMOTE_USER: 'ops',
      ANSIBLE_PRIVATE_KEY_FILE: 'k/id',
      ANSIBLE_HOST_KEY_CHECKING: 'yes',
    };
    const ours = ansibleSettings(env, '/srv');
    const theirs = await ansibleConfig(env, '/srv');
    expect([ours.forks, ours.remoteUser, ours.privateKeyFile, ours.hostKeyChecking]).toEqual([3, 'ops', '/srv/k/id', true]);
    expect([theirs.get('DEFAULT_FORKS'), theirs.get('DEFAULT_REMOTE_USER'), theirs.get('DEFAULT_PRIVATE_KEY_FILE')]).toEqual([
      '3',
      'ops',
      '/srv/k/id',
    ]);
  });

  it('finds ./ansible.cfg, but not in a world-writable directory (Ansible refuses it)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'provision-cfg-'));
    await mkdir(join(dir, 'open'), { mode: 0o777 });
    await execa('chmod', ['0777', join(dir, 'open')]);
    await writeFile(join(dir, 'ansible.cfg'), CFG);
    await writeFile(join(dir, 'open', 'ansible.cfg'), CFG);
    expect(findConfig({}, dir)).toBe(join(dir, 'ansible.cfg'));
    expect(findConfig({}, join(dir, 'open'))).not.toBe(join(dir, 'open', 'ansible.cfg'));
  });

  it('a bad value names the file and line', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'provision-cfg-'));
    await writeFile(join(dir, 'ansible.cfg'), '[defaults]\nforks = many\n');
    expect(() => ansibleSettings({ ANSIBLE_CONFIG: join(dir, 'ansible.cfg') }, dir)).toThrow(
      `${join(dir, 'ansible.cfg')}:2: forks: \`many\` is not a whole number ≥ 1`,
    );
  });
});
