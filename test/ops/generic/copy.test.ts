import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { fact } from '../../../src/facts/types.ts';
import { copyOp } from '../../../src/ops/generic/copy.ts';
import { sha256 } from '../../../src/ops/generic/file-write.ts';
import { absentFact, afterWrite, ctxWith, dirFact, fileFact, planOp, schemaErrors } from './helpers.ts';

const FIX = fileURLToPath(new URL('../../fixtures/generic/', import.meta.url));
const D = '/etc/motd';

describe('copy', () => {
  it('creates a missing file from content, with a diff from nothing', async () => {
    const plan = await planOp(copyOp, { dest: D, content: 'hi\n', mode: '0644' }, [[fact.file(D, true), absentFact(D)]]);
    expect(plan.changes).toHaveLength(1);
    expect(plan.changes[0]).toMatchObject({
      kind: 'write',
      path: D,
      content: Buffer.from('hi\n'),
      mode: 0o644,
      diff: { path: D, before: null, after: 'hi\n' },
    });
  });

  it('updates a file whose checksum differs and is ok (naming sha and mode) when it matches', async () => {
    const old = fileFact(D, 'old\n');
    const plan = await planOp(copyOp, { dest: D, content: 'new\n' }, [[fact.file(D, true), old]]);
    expect(plan.changes[0]).toMatchObject({ kind: 'write', diff: { before: 'old\n', after: 'new\n' } });
    const after = afterWrite(old, plan.changes[0]!);
    const again = await planOp(copyOp, { dest: D, content: 'new\n', mode: 0o640 }, [[fact.file(D, true), { ...after, mode: 0o640 }]]);
    expect(again.changes).toEqual([]);
    expect(again.okMessage).toBe(`/etc/motd already has sha256 ${sha256(Buffer.from('new\n')).slice(0, 12)}…, mode 0640`);
  });

  it('only sets attributes when the content already matches', async () => {
    const plan = await planOp(copyOp, { dest: D, content: 'x', owner: 'tomcat' }, [[fact.file(D, true), fileFact(D, 'x')]]);
    expect(plan.changes).toEqual([{ kind: 'attrs', path: D, owner: 'tomcat', summary: 'set owner root → tomcat on /etc/motd' }]);
  });

  it('reads src relative to the playbook directory; dest ending in / gets the basename', async () => {
    const dest = '/srv/motd.txt';
    const args = { src: 'motd.txt', dest: '/srv/', validate: 'test -s %s' };
    const plan = await planOp(copyOp, args, [[fact.file(dest, true), absentFact(dest)]], ctxWith({}, FIX));
    expect(plan.changes[0]).toMatchObject({ kind: 'write', path: dest, content: Buffer.from('hello\nworld\n'), validate: 'test -s %s' });
    const again = await planOp(copyOp, args, [[fact.file(dest, true), afterWrite(absentFact(dest), plan.changes[0]!)]], ctxWith({}, FIX));
    expect(again.changes).toEqual([]);
  });

  it('does not read a binary or large file back for a diff; the diff shows checksums', async () => {
    const big = Buffer.alloc(300 * 1024, 0);
    const dir = await import('node:fs').then((fs) => fs.mkdtempSync('/tmp/copy-test-'));
    await import('node:fs').then((fs) => fs.writeFileSync(`${dir}/app.war`, big));
    const dest = '/opt/tomcat/webapps/app.war';
    const reqs = copyOp.facts({ src: 'app.war', dest }, ctxWith({}, dir));
    expect(reqs).toEqual([{ type: 'file', path: dest }]);
    const old = fileFact(dest, 'older war', {}, false);
    const plan = await planOp(copyOp, { src: 'app.war', dest }, [[fact.file(dest), old]], ctxWith({}, dir));
    expect(plan.changes[0]).toMatchObject({ diff: { binary: true, before: `sha256:${old.sha256}`, after: `sha256:${sha256(big)}` } });
  });

  it('force: false leaves an existing file alone', async () => {
    const plan = await planOp(copyOp, { dest: D, content: 'new', force: false }, [[fact.file(D, true), fileFact(D, 'old')]]);
    expect(plan).toEqual({ changes: [], okMessage: '/etc/motd exists (force: false leaves it as is)' });
  });

  it('fails clearly on a missing src and on a directory dest', async () => {
    await expect(planOp(copyOp, { src: 'nope.txt', dest: D }, [], ctxWith({}, FIX))).rejects.toMatchObject({
      message: expect.stringContaining('src nope.txt cannot be read (ENOENT)'),
      hint: expect.stringContaining('or the playbook directory'),
    });
    await expect(planOp(copyOp, { dest: '/etc', content: 'x' }, [[fact.file('/etc', true), dirFact('/etc')]])).rejects.toThrow(
      '/etc is a directory on the host',
    );
  });

  it('schema: needs dest and exactly one of content/src; validate needs %s', () => {
    expect(schemaErrors(copyOp, { content: 'x' })).toEqual(expect.arrayContaining([expect.stringContaining("required property 'dest'")]));
    expect(schemaErrors(copyOp, { dest: D })).not.toBeNull();
    expect(schemaErrors(copyOp, { dest: D, content: 'x', src: 'y' })).not.toBeNull();
    expect(schemaErrors(copyOp, { dest: D, content: 'x', validate: 'visudo -c' })).not.toBeNull();
    expect(schemaErrors(copyOp, { dest: D, content: 'x', backup: true })).not.toBeNull();
    expect(schemaErrors(copyOp, { dest: D, content: '', validate: 'visudo -cf %s', mode: '0440' })).toBeNull();
  });
});
