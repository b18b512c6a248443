import { describe, expect, it } from 'vitest';
import { fact } from '../../../src/facts/types.ts';
import { commandOp, shellOp } from '../../../src/ops/generic/command.ts';
import { shlexSplit } from '../../../src/ops/generic/shlex.ts';
import { absentFact, dirFact, fileFact, planOp, schemaErrors } from './helpers.ts';

describe('command', () => {
  it('quotes every word, so shell syntax stays literal (like Ansible)', async () => {
    const plan = await planOp(commandOp, { cmd: `echo "a b" 'it s'; rm -rf $HOME` }, []);
    expect(plan.changes).toEqual([
      { kind: 'exec', command: "echo 'a b' 'it s;' rm -rf '$HOME'", summary: expect.stringContaining('runs on every run') },
    ]);
  });

  it('argv words are quoted one by one', async () => {
    const plan = await planOp(commandOp, { argv: ['/opt/tomcat/bin/catalina.sh', 'configtest', '$(reboot)'], undo: 'true' }, []);
    expect(plan.changes[0]).toMatchObject({ command: "/opt/tomcat/bin/catalina.sh configtest '$(reboot)'", undo: 'true' });
  });

  it('creates: ok when the path exists, relative to chdir', async () => {
    const args = { cmd: 'tar xf app.tar', chdir: '/opt/app', creates: 'app/WEB-INF' };
    expect(commandOp.facts(args, { host: 'h', vars: {}, hostvars: {}, playHosts: [], baseDir: '/' })).toEqual([
      fact.file('/opt/app/app/WEB-INF'),
    ]);
    const ok = await planOp(commandOp, args, [[fact.file('/opt/app/app/WEB-INF'), dirFact('/opt/app/app/WEB-INF')]]);
    expect(ok).toEqual({ changes: [], okMessage: '/opt/app/app/WEB-INF exists (creates), so "tar xf app.tar" is not run' });
    const run = await planOp(commandOp, args, [[fact.file('/opt/app/app/WEB-INF'), absentFact('/opt/app/app/WEB-INF')]]);
    // The path it creates goes with the change: later tasks under it wait for it, rollback removes it.
    expect(run.changes).toEqual([
      {
        kind: 'exec',
        command: 'cd /opt/app && tar xf app.tar',
        summary: 'run tar xf app.tar in /opt/app',
        creates: '/opt/app/app/WEB-INF',
      },
    ]);
  });

  it('removes: runs only while the path exists', async () => {
    const args = { cmd: 'rm /tmp/lock', removes: '/tmp/lock' };
    expect((await planOp(commandOp, args, [[fact.file('/tmp/lock'), absentFact('/tmp/lock')]])).changes).toEqual([]);
    expect((await planOp(commandOp, args, [[fact.file('/tmp/lock'), fileFact('/tmp/lock', '')]])).changes).toHaveLength(1);
  });

  it('unless: declares a command fact and skips when it exits 0', async () => {
    const args = { cmd: 'setsebool -P httpd_can_network_connect 1', unless: 'getsebool httpd_can_network_connect | grep -q on$' };
    const ok = await planOp(commandOp, args, [[fact.command(args.unless), { code: 0, stdout: '' }]]);
    expect(ok.okMessage).toBe(
      '"getsebool httpd_can_network_connect | grep -q on$" exited 0 (unless), so "setsebool -P httpd_can_network_connect 1" is not run',
    );
    const run = await planOp(commandOp, args, [[fact.command(args.unless), { code: 1, stdout: '' }]]);
    expect(run.changes).toMatchObject([{ kind: 'exec', command: 'setsebool -P httpd_can_network_connect 1' }]);
  });

  it('schema: exactly one of cmd/argv; no unknown arguments', () => {
    expect(schemaErrors(commandOp, {})).not.toBeNull();
    expect(schemaErrors(commandOp, { cmd: 'a', argv: ['a'] })).not.toBeNull();
    expect(schemaErrors(commandOp, { cmd: 'a', creat: '/x' })).toEqual(
      expect.arrayContaining([expect.stringContaining('additional properties')]),
    );
    expect(schemaErrors(commandOp, { cmd: 'a', chdir: 'rel' })).not.toBeNull();
    expect(schemaErrors(commandOp, { argv: ['a'], creates: '/x' })).toBeNull();
  });
});

describe('shell', () => {
  it('passes cmd as written; chdir wraps it in its own sh -c', async () => {
    const plain = await planOp(shellOp, { cmd: 'ps aux | grep java > /tmp/p' }, []);
    expect(plain.changes[0]).toMatchObject({ kind: 'exec', command: 'ps aux | grep java > /tmp/p' });
    const inDir = await planOp(shellOp, { cmd: 'make || true', chdir: '/opt/src dir', undo: 'make clean' }, []);
    expect(inDir.changes[0]).toMatchObject({
      command: "cd '/opt/src dir' && sh -c 'make || true'",
      undo: "cd '/opt/src dir' && sh -c 'make clean'",
    });
  });

  it('schema: needs cmd, has no argv', () => {
    expect(schemaErrors(shellOp, { argv: ['x'] })).not.toBeNull();
    expect(schemaErrors(shellOp, { cmd: 'x', removes: '/y' })).toBeNull();
  });
});

describe('shlexSplit', () => {
  it('splits like Python shlex.split', () => {
    expect(shlexSplit(`a  "b c" 'd e' f\\ g "h\\"i" j''k`)).toEqual(['a', 'b c', 'd e', 'f g', 'h"i', 'jk']);
    expect(() => shlexSplit('echo "oops')).toThrow('unclosed quote');
  });
});
