/**
 * A Galaxy-style role (test/fixtures/roles: defaults, vars, a meta dependency with parameters,
 * templates, files, a handler) and a block whose command really fails, run by the CLI on a fresh
 * lab host: the role's template is deployed with the variables Ansible gives it and its handler
 * fires once; the rescue and always parts run and the host counts as rescued (exit 0, no
 * rollback); the rerun changes nothing of the role. Then `until`/`retries` on a real command and `wait_for`.
 */
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useLab } from '../helpers/lab.ts';
import { cli } from '../helpers/recipe.ts';

const lab = useLab({ profile: 'scale', hosts: 1, services: false });
const host = () => lab.hosts[0]!;
let dir = '';
// The exact bytes (the marker keeps a trailing newline from being trimmed away).
const cat = async (path: string) => (await lab.exec(host(), `cat ${path}; echo .`)).stdout.replace(/\.$/, '');

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'pv-roles-e2e-'));
  cpSync(join(import.meta.dirname, '../fixtures/roles'), dir, { recursive: true });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a Galaxy-style role and rescue/always on a lab host', () => {
  it('deploys the role’s template, fires its handler, rescues the failed command', async () => {
    const r = await cli(['-i', lab.info.inventoryPath, join(dir, 'site.yml')]);
    expect(r.code, r.out).toBe(0);
    expect(await cat('/opt/demo/conf/app.conf')).toBe(
      '# Managed by provision: local edits will be overwritten\ninstance = blue\nlisten = 8081\n' +
        'greeting = hello from blue\nmotd = plain base\n',
    );
    expect(await cat('/opt/demo/motd')).toBe('managed by demo_app\n');
    expect(await cat('/opt/demo/conf/banner.txt')).toBe('demo banner\n');
    // The handler ran once, after the tasks.
    expect((await cat('/opt/demo/restarts')).trim().split('\n')).toHaveLength(1);
    expect(await cat('/opt/demo/rescued')).toBe('run the health check rc=1\n');
    expect(await cat('/opt/demo/always')).toBe('done\n');
    expect(r.out).toMatch(/RUNNING HANDLER \[demo_app : restart demo app\]|demo_app : restart demo app/);
    expect(r.out).toMatch(new RegExp(`${host()}\\s+: ok=\\d+ changed=\\d+ unreachable=0 failed=0 skipped=0 rescued=1`));
  });

  it('the rerun changes none of the role’s files and does not fire the handler', async () => {
    const r = await cli(['-i', lab.info.inventoryPath, join(dir, 'site.yml')]);
    expect(r.code, r.out).toBe(0);
    expect((await cat('/opt/demo/restarts')).trim().split('\n')).toHaveLength(1);
    // The role's tasks are ok; the failing command runs again and is rescued again.
    expect(r.out).toMatch(new RegExp(`${host()}\\s+: ok=7 changed=0 unreachable=0 failed=0 skipped=0 rescued=1`));
  });

  it('a rescue that fails too: always still runs, then the host fails and is put back', async () => {
    const pb = join(dir, 'rescue-fails.yml');
    writeFileSync(
      pb,
      [
        '- hosts: all',
        '  tasks:',
        '    - copy: { dest: /opt/demo/before, content: "x\\n" }',
        '    - block:',
        '        - command: /bin/false',
        '      rescue:',
        '        - name: the rescue fails too',
        '          command: /bin/false',
        '      always:',
        '        - name: always part',
        '          copy: { dest: /opt/demo/always-2, content: "ran\\n" }',
        '',
      ].join('\n'),
    );
    const r = await cli(['-i', lab.info.inventoryPath, pb]);
    expect(r.code, r.out).toBe(2);
    expect(r.out).toMatch(/always part[\s\S]*changed: /);
    // The default rollback of a failed host undoes the whole run, the always part's file too.
    expect(r.out).toContain('put back where this run found it');
    expect((await lab.exec(host(), 'test -e /opt/demo/before || test -e /opt/demo/always-2')).code).toBe(1);
  });

  it('ignore_errors: the failure is shown and counted as ansible-playbook counts it (ok, ignored); the play goes on; exit 0', async () => {
    const pb = join(dir, 'ignore.yml');
    writeFileSync(
      pb,
      [
        '- hosts: all',
        '  tasks:',
        '    - name: fails, ignored',
        '      command: /bin/false',
        '      ignore_errors: true',
        '    - copy: { dest: /opt/demo/after-ignored, content: "ran\\n" }',
        '',
      ].join('\n'),
    );
    const r = await cli(['-i', lab.info.inventoryPath, pb]);
    expect(r.code, r.out).toBe(0);
    expect(r.out).toMatch(new RegExp(`${host()}\\s*: ok=2 changed=2 unreachable=0 failed=0 skipped=0 ignored=1`));
    expect(await cat('/opt/demo/after-ignored')).toBe('ran\n');
    const check = await cli(['-i', lab.info.inventoryPath, pb, '--check']);
    expect(check.code, check.out).toBe(0);
  });

  it('until/retries: a command run again until it succeeds', async () => {
    const pb = join(dir, 'retry.yml');
    writeFileSync(
      pb,
      [
        '- hosts: all',
        '  tasks:',
        '    - name: succeeds the second time',
        '      shell: "if [ -e /opt/demo/tried ]; then echo ok; else touch /opt/demo/tried; exit 1; fi"',
        '      register: attempt',
        '      until: attempt.rc == 0',
        '      retries: 3',
        '      delay: 0',
        '    - copy: { dest: /opt/demo/attempts, content: "{{ attempt.attempts }} {{ attempt.stdout }}\\n" }',
        '',
      ].join('\n'),
    );
    const r = await cli(['-i', lab.info.inventoryPath, pb]);
    expect(r.code, r.out).toBe(0);
    expect(r.out).toContain('FAILED - RETRYING');
    expect(await cat('/opt/demo/attempts')).toBe('2 ok\n');
  });

  it('wait_for: a file another process makes later, and sshd’s port; the waits change nothing', async () => {
    const pb = join(dir, 'wait.yml');
    writeFileSync(
      pb,
      [
        '- hosts: all',
        '  tasks:',
        '    - shell: "nohup sh -c \'sleep 2; echo up > /opt/demo/ready\' >/dev/null 2>&1 &"',
        '    - ansible.builtin.wait_for: { path: /opt/demo/ready, search_regex: up, timeout: 60 }',
        '    - name: sshd answers',
        '      ansible.builtin.wait_for: { port: 22, timeout: 10 }',
        '    - copy: { dest: /opt/demo/after-wait, content: "{{ 1 + 1 }}\\n" }',
        '',
      ].join('\n'),
    );
    const r = await cli(['-i', lab.info.inventoryPath, pb]);
    expect(r.code, r.out).toBe(0);
    expect(r.out).toMatch(/TASK \[sshd answers\][^\n]*\nok: /);
    expect(await cat('/opt/demo/ready')).toBe('up\n');
    // Only the shell and the copy count as changes (ok= counts all four tasks, as Ansible's recap does).
    expect(r.out).toMatch(new RegExp(`${host()}\\s+: ok=4 changed=2 .*\\(2 changes\\)`));
  });
});
