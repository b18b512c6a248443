/**
 * Fact gathering against this machine's own shell: every snippet with its parser on real files, in
 * one round trip per gather, cached; the cache's aliases (copied trees), forks and invalidation.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { OperationError } from '../../src/core/errors.ts';
import { FactCache } from '../../src/facts/gather.ts';
import { fact, type FactRequest } from '../../src/facts/types.ts';
import type { Transport } from '../../src/transport/types.ts';
import { localSh } from './local-sh.ts';

const root = mkdtempSync(join(tmpdir(), 'provision-facts-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const file = join(root, 'it has spaces.conf');
writeFileSync(file, 'a=1\n', { mode: 0o640 });
mkdirSync(join(root, 'dir'));
symlinkSync(file, join(root, 'link'));
const sha = createHash('sha256').update('a=1\n').digest('hex');

describe('FactCache.gather', () => {
  it('reads files, commands and services in one round trip, with the real snippets', async () => {
    const t = localSh();
    const c = new FactCache(t, 'local');
    const reqs: FactRequest[] = [
      fact.file(file, true),
      fact.file(join(root, 'dir')),
      fact.file(join(root, 'link')),
      fact.file(join(root, 'absent')),
      fact.command("printf 'out'; (exit 4)"),
      fact.service('x', 'true'),
      fact.service('y', 'false'),
    ];
    await c.gather(reqs);
    expect(t.scripts).toHaveLength(1);
    expect(c.get(reqs[0]!)).toMatchObject({ exists: true, type: 'file', mode: 0o640, size: 4, sha256: sha, content: Buffer.from('a=1\n') });
    expect(c.get(reqs[1]!)).toMatchObject({ exists: true, type: 'directory', sha256: null });
    expect(c.get(reqs[2]!)).toMatchObject({ exists: true, type: 'link' });
    expect(c.get(reqs[3]!)).toMatchObject({ exists: false, type: null });
    expect(c.get(reqs[4]!)).toEqual({ code: 4, stdout: 'out' });
    expect(c.get(reqs[5]!)).toEqual({ running: true });
    expect(c.get(reqs[6]!)).toEqual({ running: false });
    // Known facts are not read again; a prelude's output is returned.
    await c.gather(reqs);
    expect(t.scripts).toHaveLength(1);
    expect((await c.gather(reqs, 'echo lock=ok')).trim()).toBe('lock=ok');
    expect(t.scripts).toHaveLength(2);
  });

  it('the os snippet parses this machine', async () => {
    const c = new FactCache(localSh(), 'local');
    await c.gather([fact.os()]);
    const os = c.get({ type: 'os' });
    expect(os.id).not.toBe('');
    expect(os.hostname).not.toBe('');
  });

  it('many files are read by one stat, one sha256sum and one cat, whatever their names', async () => {
    const names = ['plain.xml', 'with space', "it's", 'back\\slash', 'a|pipe', 'dollar$(x)', 'new\nline', 'empty'];
    for (const n of names) writeFileSync(join(root, n), n === 'empty' ? '' : `content of ${n}\n`);
    const t = localSh();
    const c = new FactCache(t, 'local');
    const reqs = [
      ...names.map((n) => fact.file(join(root, n), true)),
      fact.file(join(root, 'plain.xml')),
      fact.file(join(root, 'nope'), true),
    ];
    await c.gather([...reqs, fact.file(join(root, 'dir')), fact.file(join(root, 'link'), true)]);
    expect(t.scripts).toHaveLength(1);
    expect(t.scripts[0]!.match(/\bstat -c/g)).toHaveLength(2); // the batch, and the newline path on its own
    for (const n of names) {
      const body = n === 'empty' ? '' : `content of ${n}\n`;
      expect(c.get(fact.file(join(root, n), true)), n).toMatchObject({
        exists: true,
        type: 'file',
        size: body.length,
        sha256: createHash('sha256').update(body).digest('hex'),
        content: Buffer.from(body),
      });
    }
    expect(c.get(fact.file(join(root, 'plain.xml')))).toMatchObject({ exists: true, size: 'content of plain.xml\n'.length });
    expect((c.get(fact.file(join(root, 'plain.xml'))) as { content?: Buffer }).content).toBeUndefined();
    expect(c.get(fact.file(join(root, 'nope'), true))).toMatchObject({ exists: false });
    expect(c.get(fact.file(join(root, 'dir')))).toMatchObject({ type: 'directory', sha256: null });
    expect(c.get(fact.file(join(root, 'link'), true))).toMatchObject({ type: 'link', sha256: null });
    expect((c.get(fact.file(join(root, 'link'), true)) as { content?: Buffer }).content).toBeUndefined();
  });

  it.each(['sh', 'bash'])('command outputs in UTF-8, with trailing newlines, are read exactly under %s (CentOS: bash)', async (shell) => {
    const t = localSh(shell, { ...process.env, LANG: 'C.UTF-8', LC_ALL: 'C.UTF-8' });
    const c = new FactCache(t, 'local');
    const reqs = [fact.command("printf 'h\\303\\251llo \\342\\234\\223\\n\\n'"), fact.command('printf x; (exit 3)'), fact.command(':')];
    await c.gather(reqs);
    expect(t.scripts).toHaveLength(1);
    expect(c.get(reqs[0]!)).toEqual({ code: 0, stdout: 'héllo ✓\n\n' });
    expect(c.get(reqs[1]!)).toEqual({ code: 3, stdout: 'x' });
    expect(c.get(reqs[2]!)).toEqual({ code: 0, stdout: '' });
  });

  it('a batch whose reads do not add up (a file changed between them) is read again one by one', async () => {
    const f = join(root, 'changing');
    writeFileSync(f, 'v1\n');
    const inner = localSh();
    // The first script's cat sees other bytes than its sha256sum did: as if the file changed in between.
    const t = {
      ...inner,
      scripts: inner.scripts,
      async exec(script: string) {
        if (inner.scripts.length === 0) writeFileSync(f, 'v2\n');
        const r = await inner.exec(script.replace('xargs -0 -r cat --', `xargs -0 -r cat -- ; printf x`));
        return r;
      },
    } as unknown as typeof inner;
    const c = new FactCache(t, 'local');
    await c.gather([fact.file(f, true)]);
    expect(inner.scripts).toHaveLength(2);
    expect(c.get(fact.file(f, true))).toMatchObject({
      content: Buffer.from('v2\n'),
      sha256: createHash('sha256').update('v2\n').digest('hex'),
    });
  });

  it('a file whose content forges a frame marker is still read as data', async () => {
    const forged = join(root, 'forged');
    writeFileSync(forged, '@@000000000000:end\n');
    const c = new FactCache(localSh(), 'local');
    await c.gather([fact.file(forged, true)]);
    expect(c.get({ type: 'file', path: forged, content: true }).content?.toString()).toBe('@@000000000000:end\n');
  });

  it('a script that does not finish is an OperationError naming the host', async () => {
    const t = {
      stats: { roundTrips: 0, connections: 0 },
      exec: async () => ({ code: 1, stdout: '', stderr: 'sh: broken' }),
    } as unknown as Transport;
    const err = await new FactCache(t, 'web1').gather([fact.os()]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OperationError);
    expect((err as OperationError).message).toContain('web1');
    expect((err as OperationError).hint).toContain('sh: broken');
  });

  it('a fact used but not gathered is an error with a hint', () => {
    expect(() => new FactCache(localSh(), 'h').get({ type: 'os' })).toThrow(/was used but not gathered/);
  });
});

describe('FactCache learning', () => {
  const st = (path: string) => ({
    path,
    exists: true,
    type: 'file' as const,
    mode: 0o644,
    owner: 'root',
    group: 'root',
    size: 1,
    sha256: 'x',
  });

  it('an alias answers for the copy from the source, except excluded paths', () => {
    const c = new FactCache(localSh(), 'h');
    c.set({ type: 'file', path: '/opt/tomcat/conf/server.xml' }, st('/opt/tomcat/conf/server.xml'));
    c.alias('/opt/tomcat', '/opt/tomcat2', ['logs/*']);
    expect(c.get({ type: 'file', path: '/opt/tomcat2/conf/server.xml' })).toEqual(st('/opt/tomcat2/conf/server.xml'));
    c.set({ type: 'file', path: '/opt/tomcat/logs/a' }, st('/opt/tomcat/logs/a'));
    expect(c.has({ type: 'file', path: '/opt/tomcat2/logs/a' })).toBe(false);
    c.forget('/opt/tomcat2');
    expect(c.has({ type: 'file', path: '/opt/tomcat2/conf/server.xml' })).toBe(false);
  });

  it('a fork learns without teaching the original; invalidate forgets', () => {
    const c = new FactCache(localSh(), 'h');
    c.set({ type: 'service', name: 'a' }, { running: false });
    const f = c.fork();
    f.set({ type: 'service', name: 'a' }, { running: true });
    expect(c.get({ type: 'service', name: 'a' })).toEqual({ running: false });
    expect(f.get({ type: 'service', name: 'a' })).toEqual({ running: true });
    c.invalidate((r) => r.type === 'service');
    expect(c.has({ type: 'service', name: 'a' })).toBe(false);
  });
});
