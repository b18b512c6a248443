import { homedir, userInfo } from 'node:os';
import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { connectionSpecFor } from '../../src/inventory/connection.ts';
import { loadInventory } from '../../src/inventory/load.ts';
import { secretValues, isSecretVar } from '../../src/inventory/secrets.ts';
import type { Inventory } from '../../src/inventory/types.ts';

const dir = resolve('test/fixtures/inventory/connection');
let inv: Inventory;
beforeAll(async () => {
  inv = await loadInventory('test/fixtures/inventory/connection/hosts.yml');
});
const host = (name: string) => inv.hosts.get(name)!;

describe('connectionSpecFor', () => {
  it('maps ansible_* variables, resolving key and known_hosts paths from the inventory directory', () => {
    expect(connectionSpecFor(host('app1'), { user: 'cli-user', connectAttempts: 3 })).toEqual({
      name: 'app1',
      host: '10.0.0.11',
      port: 2222,
      user: 'deploy',
      agent: true,
      privateKeyFile: `${dir}/keys/id_ed25519`,
      passphrase: 'key phrase',
      become: true,
      becomeUser: 'tomcat',
      becomePassword: 't0mcat-sudo',
      hostKeyChecking: 'strict',
      knownHostsFile: `${dir}/known_hosts`,
      connectAttempts: 3,
      // The inventory gave user and port; host key checking is a default ~/.ssh/config may set.
      defaulted: { user: false, port: false, hostKeyChecking: true },
    });
  });

  it('casts string ports, expands ~ and reads provision_host_key_checking', () => {
    const spec = connectionSpecFor(host('app2'), { hostKeyChecking: 'strict' });
    expect(spec.port).toBe(2200);
    expect(spec.privateKeyFile).toBe(`${homedir()}/.ssh/app2`);
    expect(spec.hostKeyChecking).toBe('accept-new');
  });

  it('lets inventory variables win over CLI defaults, and fills the rest from them', () => {
    const vars = { ...host('web1').vars, ansible_user: 'admin' };
    const spec = connectionSpecFor(host('web1'), { become: true, privateKeyFile: '/keys/cli', connectTimeoutMs: 99 }, vars);
    expect(spec).toMatchObject({
      host: 'web1',
      port: 22,
      user: 'admin',
      password: 'pw-web1',
      become: false,
      hostKeyChecking: 'off',
      connectTimeoutMs: 7000,
      privateKeyFile: `${dir}/keys/id_ed25519`,
    });
  });

  it('defaults to the host name, port 22 and the current user', async () => {
    const basic = await loadInventory('test/fixtures/inventory/ansible-docs/basic.yml');
    expect(connectionSpecFor(basic.hosts.get('foo.example.com')!)).toEqual({
      name: 'foo.example.com',
      host: 'foo.example.com',
      port: 22,
      user: userInfo().username,
      agent: true,
      become: false,
      hostKeyChecking: 'strict',
      // Defaults, which ~/.ssh/config or -o options may override, as they would for ssh.
      defaulted: { user: true, port: true, hostKeyChecking: true },
    });
  });

  it('refuses an unrendered template, naming where it was written', () => {
    expect(() => connectionSpecFor(host('web1'))).toThrow(
      `test/fixtures/inventory/connection/hosts.yml:30:11: \`ansible_user\` of host \`web1\` is still a template: {{ admin_user }}`,
    );
  });

  it('refuses a rendered value of the wrong type and a non-SSH connection', () => {
    const vars = { ...host('app1').vars, ansible_port: 'abc' };
    expect(() => connectionSpecFor(host('app1'), {}, vars)).toThrow(/hosts\.yml:16:11: `ansible_port` must be an integer/);
    expect(() => connectionSpecFor(host('local'))).toThrow(
      /hosts\.yml:36:11: host `local` uses ansible_connection=local; provision connects only over SSH/,
    );
  });
});

describe('secretValues', () => {
  it('collects *_password/_pass/_secret/_passphrase values and provision_secret_vars, longest first', () => {
    const values = secretValues(inv);
    expect([...values].sort()).toEqual(['key phrase', 'l1', 'l2', 'nested-s3cret', 'pw-web1', 't0mcat-sudo', 'tok-123456']);
    expect(values.map((v) => v.length)).toEqual([13, 11, 10, 10, 7, 2, 2]);
  });

  it('recognises secret names', () => {
    expect(isSecretVar('ansible_become_pass')).toBe(true);
    expect(isSecretVar('tomcat_manager_password')).toBe(true);
    expect(isSecretVar('db_token', ['db_token'])).toBe(true);
    expect(isSecretVar('password_file')).toBe(false);
  });
});
