import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unzipSync, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { OperationError } from '../../../src/core/errors.ts';
import { war } from '../../../src/ops/tomcat/war.ts';
import { buildCounterWar } from '../../../src/ops/tomcat/build-counter.ts';
import { prepareWar } from '../../../src/ops/tomcat/war-file.ts';
import { ctx, MapFacts, noContextFiles } from './facts.ts';

const WEB = '<?xml version="1.0"?>\n<web-app version="4.0">\n  <display-name>a</display-name>\n  <servlet/>\n</web-app>\n';
const enc = (s: string) => new TextEncoder().encode(s);
const plainWar = () =>
  zipSync(
    { 'META-INF/MANIFEST.MF': enc('Manifest-Version: 1.0\n'), 'WEB-INF/web.xml': enc(WEB), 'index.jsp': enc('hi') },
    { mtime: new Date() },
  );

describe('WAR preparation', () => {
  it('adds <distributable/> deterministically, keeping entry order and other bytes', () => {
    const a = prepareWar(plainWar(), 'app.war');
    const b = prepareWar(plainWar(), 'app.war');
    expect(a.injected).toBe(true);
    expect(a.content.equals(b.content)).toBe(true);
    const entries = unzipSync(a.content);
    expect(Object.keys(entries)).toEqual(['META-INF/MANIFEST.MF', 'WEB-INF/web.xml', 'index.jsp']);
    expect(new TextDecoder().decode(entries['WEB-INF/web.xml'])).toBe(
      WEB.replace('</display-name>\n', '</display-name>\n  <distributable/>\n'),
    );
    expect(new TextDecoder().decode(entries['index.jsp'])).toBe('hi');
    // Already distributable: the original bytes are uploaded untouched.
    expect(prepareWar(a.content, 'app.war')).toEqual({ content: a.content, injected: false });
  });

  it('adds a web.xml to a WAR without one', () => {
    const out = prepareWar(zipSync({ 'index.jsp': enc('hi') }), 'x.war');
    expect(new TextDecoder().decode(unzipSync(out.content)['WEB-INF/web.xml'])).toContain('<distributable/>');
  });

  it('names the file when it is not a zip', () => {
    let err: unknown;
    try {
      prepareWar(enc('<html>not a war</html>'), '/build/app.war');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(OperationError);
    expect((err as OperationError).message).toMatch(/\/build\/app\.war is not a WAR file/);
    expect((err as OperationError).hint).toMatch(/\.war/);
  });

  it('reports a malformed web.xml inside the WAR with its place', () => {
    const bad = zipSync({ 'WEB-INF/web.xml': enc('<web-app>\n  <servlet>\n</web-app>\n') });
    expect(() => prepareWar(bad, 'app.war')).toThrow(/app\.war!\/WEB-INF\/web\.xml:3:3/);
  });

  it('builds the counter app WAR byte-identically, already distributable', () => {
    const a = buildCounterWar();
    expect(a.equals(buildCounterWar())).toBe(true);
    expect(prepareWar(a, 'counter.war').injected).toBe(false);
    const jsp = new TextDecoder().decode(unzipSync(a)['index.jsp']);
    expect(jsp).toContain('session.setAttribute("count", count)');
  });
});

describe('war operation', () => {
  const dir = mkdtempSync(join(tmpdir(), 'war-op-'));
  writeFileSync(join(dir, 'app.war'), plainWar());
  const c = { ...ctx('web1', { tomcat_instances: [{ home: '/opt/tomcat' }, { home: '/opt/tomcat2' }] }), baseDir: dir };

  it('uploads the prepared WAR to every instance, then nothing once checksums match', async () => {
    const none = noContextFiles(['/opt/tomcat', '/opt/tomcat2'], 'ROOT');
    const facts = new MapFacts({ '/opt/tomcat/webapps/ROOT.war': null, '/opt/tomcat2/webapps/ROOT.war': Buffer.from('old'), ...none });
    const p = await war.plan({ src: 'app.war', name: 'ROOT.war' }, facts, c);
    // Tomcat's expanded copy is cleared (and so journaled) before each upload.
    expect(p.changes.map((x) => (x.kind === 'write' ? [x.kind, x.path, x.mode] : [x.kind, x.kind === 'remove' ? x.path : '']))).toEqual([
      ['remove', '/opt/tomcat/webapps/ROOT'],
      ['remove', '/opt/tomcat/work/Catalina/localhost/ROOT'],
      ['write', '/opt/tomcat/webapps/ROOT.war', 0o644],
      ['remove', '/opt/tomcat2/webapps/ROOT'],
      ['remove', '/opt/tomcat2/work/Catalina/localhost/ROOT'],
      ['write', '/opt/tomcat2/webapps/ROOT.war', 0o644],
    ]);
    const content = p.changes[2]!.kind === 'write' ? p.changes[2]!.content : Buffer.alloc(0);
    expect(p.changes[2]!.summary).toMatch(/distributable/);
    const done = new MapFacts({ '/opt/tomcat/webapps/ROOT.war': content, '/opt/tomcat2/webapps/ROOT.war': content, ...none });
    expect((await war.plan({ src: 'app.war', name: 'ROOT.war' }, done, c)).changes).toEqual([]);
  });

  it('fails with the path when the local WAR is missing', async () => {
    const facts = new MapFacts({ '/opt/tomcat/webapps/nope.war': null, '/opt/tomcat2/webapps/nope.war': null });
    await expect(war.plan({ src: 'nope.war' }, facts, c)).rejects.toThrow(/cannot read the WAR .*nope\.war: ENOENT/);
  });
});
