import { chmod, mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { vaultKeyring } from '../../src/cli/vault-secrets.ts';
import { makeMasker } from '../../src/core/mask.ts';
import { InventoryError } from '../../src/core/errors.ts';
import { loadInventory } from '../../src/inventory/load.ts';
import { secretValues } from '../../src/inventory/secrets.ts';
import { VaultKeyring } from '../../src/inventory/vault.ts';

// Vectors come from the real ansible-vault (Debian's ansible-core), made fresh by each run.
let dir: string;
const vault = (args: string[]) => execa('ansible-vault', args, { cwd: dir, env: { ANSIBLE_CONFIG: join(dir, 'none.cfg') } });

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'provision-vault-'));
  await writeFile(join(dir, 'none.cfg'), '[defaults]\n');
  await writeFile(join(dir, 'default.pw'), 'default password\n');
  await writeFile(join(dir, 'prod.pw'), 'prød-Pässword\n');
  // A password script, as Ansible runs executables given as password files.
  await writeFile(join(dir, 'prod-script.sh'), "#!/bin/sh\necho 'prød-Pässword'\n");
  await chmod(join(dir, 'prod-script.sh'), 0o755);
  await mkdir(join(dir, 'group_vars'));
  await mkdir(join(dir, 'host_vars'));
  await writeFile(join(dir, 'hosts.ini'), '[tomcat]\ntc1 ansible_host=10.0.0.1\ntc2\n');
  // The AJP secret in a whole vaulted group_vars file with a vault id (format 1.2).
  await writeFile(join(dir, 'group_vars', 'tomcat.yml'), 'ajp_secret: "Ajp-S3cret!"\ntomcat_port: 8080\nnested: {token: deep-token}\n');
  await vault(['encrypt', '--vault-id', 'prod@prod.pw', 'group_vars/tomcat.yml']);
  // An inline !vault value (format 1.1) in a plain host_vars file.
  const inline = await vault(['encrypt_string', '--vault-password-file', 'default.pw', 'inline value  with spaces', '--name', 'db_token']);
  await writeFile(join(dir, 'host_vars', 'tc1.yml'), `plain: visible\n${inline.stdout}\n`);
});

describe('vault: files and !vault values made by ansible-vault', () => {
  it('decrypts a vaulted group_vars file (1.2, vault id) and an inline !vault (1.1); every value is a secret', async () => {
    const keyring = await vaultKeyring({ vaultId: [`prod@${join(dir, 'prod.pw')}`], vaultPasswordFile: [join(dir, 'default.pw')] });
    const inv = await loadInventory(join(dir, 'hosts.ini'), { vault: keyring });
    const tc1 = inv.hosts.get('tc1')!.vars;
    expect(tc1.ajp_secret).toBe('Ajp-S3cret!');
    expect(tc1.tomcat_port).toBe(8080);
    expect(tc1.nested).toEqual({ token: 'deep-token' });
    expect(tc1.db_token).toBe('inline value  with spaces');
    expect(tc1.plain).toBe('visible');
    expect(inv.hosts.get('tc2')!.vars.ajp_secret).toBe('Ajp-S3cret!');
    const mask = makeMasker(secretValues(inv));
    expect(mask('ajp=Ajp-S3cret! token=deep-token db=inline value  with spaces plain=visible')).toBe(
      'ajp=******** token=******** db=******** plain=visible',
    );
  });

  it('tries every password when the vault id does not match, and runs an executable password file', async () => {
    const keyring = await vaultKeyring({ vaultPasswordFile: [join(dir, 'default.pw'), join(dir, 'prod-script.sh')] });
    const inv = await loadInventory(join(dir, 'hosts.ini'), { vault: keyring });
    expect(inv.hosts.get('tc1')!.vars.ajp_secret).toBe('Ajp-S3cret!');
    expect(keyring.revealed.has('inline value  with spaces')).toBe(true);
  });

  it('a wrong password or none is an error at the vaulted file or value, with a hint', async () => {
    const wrong = new VaultKeyring([{ id: 'default', password: 'wrong' }]);
    const e1 = await loadInventory(join(dir, 'hosts.ini'), { vault: wrong }).catch((e: unknown) => e);
    expect(e1).toBeInstanceOf(InventoryError);
    expect((e1 as InventoryError).message).toBe(
      `${join(dir, 'group_vars', 'tomcat.yml')}:1:1: no vault password given decrypts this (tried vault ids: default)`,
    );
    expect((e1 as InventoryError).hint).toMatch(/vault id `prod`/);
    const e2 = await loadInventory(join(dir, 'hosts.ini')).catch((e: unknown) => e);
    expect((e2 as InventoryError).message).toMatch(
      /tomcat\.yml:1:1: this is vault-encrypted \(vault id `prod`\) and no vault password was given/,
    );
    expect((e2 as InventoryError).hint).toMatch(/--ask-vault-pass/);
    const onlyProd = await vaultKeyring({ vaultId: [`prod@${join(dir, 'prod.pw')}`] });
    const e3 = await loadInventory(join(dir, 'hosts.ini'), { vault: onlyProd }).catch((e: unknown) => e);
    expect((e3 as InventoryError).message).toMatch(/host_vars\/tc1\.yml:2:18: no vault password given decrypts this/);
  });

  it('what provision reads, ansible-vault reads too (same files, same passwords)', async () => {
    const r = await vault(['view', '--vault-id', 'prod@prod.pw', 'group_vars/tomcat.yml']);
    expect(r.stdout).toContain('ajp_secret: "Ajp-S3cret!"');
  });
});
