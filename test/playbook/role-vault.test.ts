/**
 * A role's files and a playbook read as Ansible reads them: `!vault` values in a role's
 * defaults, a vault-encrypted vars/main.yml and a `!vault` value in a play's `vars:` (all made by
 * the real ansible-vault) are decrypted and become secrets; YAML 1.1 scalars in a playbook
 * (`yes`, `on`, `y`, `09`, `1e3`) mean what they mean to PyYAML. Each task's message is compared
 * with what ansible-playbook prints for the same files.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { loadInventory } from '../../src/inventory/load.ts';
import { VaultKeyring } from '../../src/inventory/vault.ts';
import { loadOperations } from '../../src/ops/registry.ts';
import { loadPlaybook } from '../../src/playbook/load.ts';
import { expandTask } from '../../src/runner/expand.ts';
import { playVars } from '../../src/vars/play-vars.ts';

const dir = mkdtempSync(join(tmpdir(), 'pv-role-vault-'));
const env = { ANSIBLE_CONFIG: join(dir, 'none.cfg'), ANSIBLE_NOCOLOR: '1' };
const vault = (args: string[]) => execa('ansible-vault', [...args, '--vault-password-file', 'pass'], { cwd: dir, env });

async function setup(): Promise<string> {
  writeFileSync(join(dir, 'pass'), 'pw-role\n');
  mkdirSync(join(dir, 'roles/app/defaults'), { recursive: true });
  mkdirSync(join(dir, 'roles/app/vars'), { recursive: true });
  mkdirSync(join(dir, 'roles/app/tasks'), { recursive: true });
  const inline = async (name: string, value: string) => `${(await vault(['encrypt_string', value, '--name', name])).stdout.trimEnd()}\n`;
  writeFileSync(join(dir, 'roles/app/defaults/main.yml'), 'plain_default: d\n' + (await inline('ajp_secret', 'Def-S3cret')));
  writeFileSync(join(dir, 'roles/app/vars/main.yml'), 'db_password: Vars-S3cret\n');
  await vault(['encrypt', 'roles/app/vars/main.yml']);
  writeFileSync(
    join(dir, 'roles/app/tasks/main.yml'),
    '- name: secrets\n  debug: { msg: "{{ plain_default }} {{ ajp_secret }} {{ db_password }} {{ play_secret }}" }\n',
  );
  const playSecret = (await inline('play_secret', 'Play-S3cret')).replace(/^(?=.)/gm, '    ');
  writeFileSync(
    join(dir, 'site.yml'),
    '- hosts: all\n  gather_facts: false\n  vars:\n' +
      playSecret +
      '    a: yes\n    b: on\n    c: y\n    d: n\n    e: 09\n    f: 1e3\n    g: 0755\n    h: 1.5\n' +
      '  roles: [app]\n  tasks:\n' +
      "    - name: scalars\n      debug: { msg: \"{{ [a, b, c, d, e, f, g, h] | map('string') | join(',') }}\" }\n" +
      '    - name: types\n' +
      '      debug: { msg: "{{ a is boolean }} {{ c is string }} {{ e is string }} {{ f is string }} {{ g is number }}" }\n',
  );
  return join(dir, 'site.yml');
}

describe('vaulted role files and YAML 1.1 scalars, as ansible-playbook reads them', () => {
  it('decrypts !vault values in defaults, a vaulted vars/main.yml and play vars; scalars typed as PyYAML types them', async () => {
    const file = await setup();
    const r = await execa('ansible-playbook', ['-i', 'localhost,', '-c', 'local', '--vault-password-file', 'pass', file], {
      cwd: dir,
      env,
      reject: false,
    });
    expect(r.exitCode, r.stdout).toBe(0);
    const theirs = [...r.stdout.matchAll(/^\s+"msg": "(.*)"$/gm)].map((m) => m[1]!);
    const keyring = new VaultKeyring([{ id: 'default', password: 'pw-role' }]);
    const ops = await loadOperations();
    const pb = await loadPlaybook(file, ops, { vault: keyring });
    const inv = await loadInventory(['localhost,']);
    const play = pb.plays[0]!;
    const vars = playVars(inv, play, {}, ['localhost']);
    const ours = play.tasks.map((t) =>
      String(expandTask(t, ops.get(t.op)!, 'localhost', vars.localhost!, { tags: [], skipTags: [] })[0]!.args.msg),
    );
    expect(ours).toEqual(theirs);
    expect(ours[0]).toBe('d Def-S3cret Vars-S3cret Play-S3cret');
    // Every decrypted value is masked in output, diffs and journals.
    expect([...keyring.revealed]).toEqual(expect.arrayContaining(['Def-S3cret', 'Vars-S3cret', 'Play-S3cret']));
  });

  it('without the vault password, a vaulted role file is an error naming it', async () => {
    const err = await loadPlaybook(join(dir, 'site.yml'), await loadOperations()).catch((e: unknown) => e);
    expect((err as Error).message).toContain('no vault password was given');
  });
});
