import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ensureEnvInCatalinaSh, ensureEnvInSetenv } from '../../../src/ops/tomcat/env-block.ts';
import { parseTomcatVersion, versionCommand } from '../../../src/ops/tomcat/version.ts';
import { ensureDistributable } from '../../../src/ops/tomcat/web-xml.ts';
import { fixture } from './facts.ts';
import { changed } from './lines.ts';

const APP_WEB = `<?xml version="1.0"?>
<!-- my app -->
<web-app xmlns="https://jakarta.ee/xml/ns/jakartaee" version="6.0">
    <display-name>shop</display-name>
    <description>The
        shop</description>
    <servlet>
        <servlet-name>a</servlet-name>
    </servlet>
</web-app>
`;

describe('web.xml <distributable/>', () => {
  it("goes after display-name and description, in the file's indentation, once", () => {
    const out = ensureDistributable(APP_WEB, 'WEB-INF/web.xml');
    expect(out).toBe(APP_WEB.replace('shop</description>\n', 'shop</description>\n    <distributable/>\n'));
    expect(ensureDistributable(out, 'WEB-INF/web.xml')).toBe(out);
  });

  it("is the first child of Tomcat's real conf/web.xml, one added line", () => {
    const src = fixture('conf-web.xml');
    const out = ensureDistributable(src, 'conf/web.xml');
    expect(changed(src, out)).toEqual({ removed: [], added: ['  <distributable/>'] });
    expect(out.indexOf('<distributable/>')).toBeLessThan(out.indexOf('<servlet>'));
  });

  it('refuses a file that is not a web.xml', () => {
    expect(() => ensureDistributable('<Server/>', 'x.xml')).toThrow(/root element is <Server>/);
  });
});

describe('instance environment block', () => {
  const src = fixture('catalina.sh');
  it('lands after the shebang and license in the real catalina.sh (golden), idempotently', () => {
    const out = ensureEnvInCatalinaSh(src, { catalinaHome: '/opt/tomcat2' });
    expect(out).toBe(fixture('catalina.instance2.golden.sh'));
    expect(changed(src, out).removed).toEqual([]);
    expect(changed(src, out).added).toHaveLength(7);
    expect(ensureEnvInCatalinaSh(out, { catalinaHome: '/opt/tomcat2' })).toBe(out);
  });

  it('updates the block in place when the path changes, quoting values', () => {
    const once = ensureEnvInCatalinaSh(src, { catalinaHome: '/opt/tomcat2' });
    const moved = ensureEnvInCatalinaSh(once, { catalinaHome: "/opt/my tomcat's" });
    expect(changed(once, moved).removed).toHaveLength(4);
    expect(moved).toContain(`export CATALINA_PID='/opt/my tomcat'\\''s/bin/tomcat.pid'`);
    const out = execFileSync('sh', [
      '-c',
      `${moved
        .split('\n')
        .filter((l) => l.startsWith('export'))
        .join('\n')}\necho "$CATALINA_BASE"`,
    ]).toString();
    expect(out).toBe("/opt/my tomcat's\n");
  });

  it('writes or extends setenv.sh', () => {
    const fresh = ensureEnvInSetenv(null, { catalinaHome: '/opt/t2' });
    expect(fresh.startsWith('#!/bin/sh\n# BEGIN provision instance env\n')).toBe(true);
    const user = 'JAVA_OPTS="-Xmx1g"';
    const ext = ensureEnvInSetenv(user, { catalinaHome: '/opt/t2' });
    expect(ext.startsWith(user + '\n# BEGIN')).toBe(true);
    expect(ensureEnvInSetenv(ext, { catalinaHome: '/opt/t2' })).toBe(ext);
  });
});

describe('Tomcat version fact', () => {
  it('parses every form the command prints', () => {
    expect(parseTomcatVersion('server.info=Apache Tomcat/10.1.60 (Debian)\nserver.number=10.1.60.0\n')).toMatchObject({
      major: 10,
      minor: 1,
      patch: 60,
    });
    expect(parseTomcatVersion('Apache Tomcat Version 8.5.100\n')).toMatchObject({ major: 8, minor: 5, patch: 100 });
    expect(parseTomcatVersion('Server version: Apache Tomcat/7.0.109\nServer number:  7.0.109.0\n')).toMatchObject({
      major: 7,
      minor: 0,
      patch: 109,
    });
    expect(parseTomcatVersion('')).toBeNull();
  });

  it('reads the real Tomcat 10.1 installed here, with and without unzip', () => {
    const cmd = versionCommand('/usr/share/tomcat10');
    expect(parseTomcatVersion(execFileSync('sh', ['-c', cmd]).toString())?.text).toBe('10.1.60');
    const noUnzip = cmd.replace('command -v unzip', 'command -v unzip-missing-here');
    expect(parseTomcatVersion(execFileSync('sh', ['-c', noUnzip]).toString())?.text).toBe('10.1.60');
  });
});
