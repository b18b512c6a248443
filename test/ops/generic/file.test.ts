import { describe, expect, it } from 'vitest';
import { fact } from '../../../src/facts/types.ts';
import { fileOp } from '../../../src/ops/generic/file.ts';
import { absentFact, dirFact, fileFact, planOp, schemaErrors } from './helpers.ts';

const P = '/opt/app';

describe('file', () => {
  it('creates a missing directory with mode and owner', async () => {
    const plan = await planOp(fileOp, { path: P, state: 'directory', mode: '0750', owner: 'tomcat' }, [[fact.file(P), absentFact(P)]]);
    expect(plan.changes).toEqual([
      { kind: 'mkdir', path: P, mode: 0o750, owner: 'tomcat', summary: 'create directory /opt/app (mode 0750, owner tomcat)' },
    ]);
  });

  it('is ok when the directory already matches, and says why', async () => {
    const plan = await planOp(fileOp, { path: P, state: 'directory', mode: '0755' }, [[fact.file(P), dirFact(P)]]);
    expect(plan.changes).toEqual([]);
    expect(plan.okMessage).toBe('directory /opt/app exists, mode 0755');
  });

  it('compares modes as numbers: unquoted YAML 1.1 0755 (493) equals the string 0755', async () => {
    const plan = await planOp(fileOp, { path: P, state: 'directory', mode: 0o755 }, [[fact.file(P), dirFact(P)]]);
    expect(plan.changes).toEqual([]);
    expect((await planOp(fileOp, { path: P, state: 'directory', mode: '755' }, [[fact.file(P), dirFact(P)]])).changes).toEqual([]);
    expect((await planOp(fileOp, { path: P, state: 'directory', mode: '2775' }, [[fact.file(P), dirFact(P)]])).changes).toMatchObject([
      { kind: 'attrs', mode: 0o2775 },
    ]);
  });

  it('changes only the attributes that differ', async () => {
    const f = fileFact('/etc/x', 'x', { mode: 0o600, owner: 'root', group: 'root' });
    const plan = await planOp(fileOp, { path: '/etc/x', mode: '0644', owner: 'root', group: 'tomcat' }, [[fact.file('/etc/x'), f]]);
    expect(plan.changes).toEqual([
      { kind: 'attrs', path: '/etc/x', mode: 0o644, group: 'tomcat', summary: 'set mode 0600 → 0644, group root → tomcat on /etc/x' },
    ]);
  });

  it('removes an existing path and is ok when it is already absent', async () => {
    const gone = await planOp(fileOp, { path: P, state: 'absent' }, [[fact.file(P), dirFact(P)]]);
    expect(gone.changes).toMatchObject([{ kind: 'remove', path: P }]);
    const ok = await planOp(fileOp, { path: P, state: 'absent' }, [[fact.file(P), absentFact(P)]]);
    expect(ok).toEqual({ changes: [], okMessage: '/opt/app is already absent' });
  });

  it('touch creates an empty file once, then only fixes attributes', async () => {
    const first = await planOp(fileOp, { path: '/var/t', state: 'touch', mode: '0600' }, [[fact.file('/var/t'), absentFact('/var/t')]]);
    expect(first.changes).toMatchObject([{ kind: 'write', path: '/var/t', content: Buffer.alloc(0), mode: 0o600 }]);
    const again = await planOp(fileOp, { path: '/var/t', state: 'touch', mode: '0600' }, [
      [fact.file('/var/t'), fileFact('/var/t', '', { mode: 0o600 })],
    ]);
    expect(again.changes).toEqual([]);
  });

  it('refuses state file on a missing path and directory over a file, with hints', async () => {
    await expect(planOp(fileOp, { path: '/nope' }, [[fact.file('/nope'), absentFact('/nope')]])).rejects.toMatchObject({
      message: '/nope does not exist',
      hint: expect.stringContaining('state: touch'),
    });
    await expect(planOp(fileOp, { path: '/f', state: 'directory' }, [[fact.file('/f'), fileFact('/f', 'x')]])).rejects.toThrow(
      'is a file, not a directory',
    );
  });

  it('recurse chowns only when something below has another owner', async () => {
    const args = { path: P, state: 'directory' as const, owner: 'tomcat', group: 'tomcat', recurse: true };
    const [, cmd] = fileOp.facts(args, { host: 'h', vars: {}, hostvars: {}, playHosts: [], baseDir: '/' });
    expect(cmd).toEqual({ type: 'command', command: 'find /opt/app \\( ! -user tomcat -o ! -group tomcat \\) -print -quit 2>/dev/null' });
    const dir = dirFact(P, { owner: 'tomcat', group: 'tomcat' });
    const stray = await planOp(fileOp, args, [
      [fact.file(P), dir],
      [cmd!, { code: 0, stdout: '/opt/app/logs/x.log\n' }],
    ]);
    expect(stray.changes).toMatchObject([{ kind: 'exec', command: 'chown -R tomcat:tomcat /opt/app' }]);
    const clean = await planOp(fileOp, args, [
      [fact.file(P), dir],
      [cmd!, { code: 0, stdout: '' }],
    ]);
    expect(clean.changes).toEqual([]);
  });

  it('rejects bad arguments through its schema', () => {
    expect(schemaErrors(fileOp, { state: 'directory' })).toEqual([expect.stringContaining("must have required property 'path'")]);
    expect(schemaErrors(fileOp, { path: P, stat: 'directory' })).toEqual([expect.stringContaining('must NOT have additional properties')]);
    expect(schemaErrors(fileOp, { path: P, state: 'dir' })).not.toBeNull();
    expect(schemaErrors(fileOp, { path: P, mode: '0999' })).not.toBeNull();
    expect(schemaErrors(fileOp, { path: 'relative/x' })).not.toBeNull();
    expect(schemaErrors(fileOp, { path: P, state: 'directory', mode: '0755', owner: 'a', group: 'b' })).toBeNull();
  });

  it('refuses 644 written without its leading 0 (it would mean 0o1204)', async () => {
    await expect(planOp(fileOp, { path: P, mode: 644 }, [[fact.file(P), dirFact(P)]])).rejects.toMatchObject({
      message: 'mode 644 is not a permission mode (as octal it is 1204)',
      hint: "quote it as an octal string, e.g. mode: '0644'",
    });
    expect(schemaErrors(fileOp, { path: P, mode: 644 })).not.toBeNull();
    expect(schemaErrors(fileOp, { path: P, mode: 420 })).toBeNull();
  });
});
