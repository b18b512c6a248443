/**
 * Bad input for the recipe, each through the CLI on a pristine lab host: a clear error naming the
 * problem, a non-zero exit, and no change on the host (every file's checksum as before).
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { useLab } from '../helpers/lab.ts';
import { checksums, cli } from '../helpers/recipe.ts';

const lab = useLab({ profile: 'recipe', services: false });
const host = () => lab.hosts[0]!;
let dir: string;
let pristine: string;

/** The lab inventory with some host variables set. */
function inventory(hostVars: Record<string, unknown>): string {
  const inv = parse(readFileSync(lab.info.inventoryPath, 'utf8'));
  Object.assign(inv.all.hosts[host()], hostVars);
  const p = join(dir, `inv-${Math.random().toString(36).slice(2)}.yml`);
  writeFileSync(p, stringify(inv));
  return p;
}

const instances = (a: Record<string, unknown>, b: Record<string, unknown>) => ({
  tomcat_instances: [
    {
      home: '/opt/tomcat',
      jvmRoute: 'tomcat1',
      ports: { shutdown: 8005, http: 8080, redirect: 8443, ajp: 8009 },
      receiverPort: 4000,
      ...a,
    },
    {
      home: '/opt/tomcat2',
      source: '/opt/tomcat',
      jvmRoute: 'tomcat2',
      ports: { shutdown: 8006, http: 8081, redirect: 8444, ajp: 8010 },
      receiverPort: 4001,
      ...b,
    },
  ],
});

async function expectRefused(args: string[], pattern: RegExp): Promise<void> {
  const r = await cli(args);
  expect(r.code, r.out).not.toBe(0);
  expect(r.out).toMatch(pattern);
  expect(r.out).toMatch(/nothing was changed on any host|error:/);
  expect(await checksums(lab, host())).toBe(pristine);
  expect((await lab.exec(host(), 'test -e /opt/tomcat2 || test -e /var/lib/provision/runs')).code).toBe(1);
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'pv-recipe-bad-'));
  pristine = await checksums(lab, host());
});

describe('the recipe refuses bad input before any change', () => {
  it('a host without the Tomcat home', async () => {
    const r = inventory({
      tomcat_instances: [
        {
          home: '/opt/no-tomcat',
          jvmRoute: 'tomcat1',
          ports: { shutdown: 8005, http: 8080, redirect: 8443, ajp: 8009 },
          receiverPort: 4000,
        },
      ],
    });
    await expectRefused(['-i', r], /\/opt\/no-tomcat.* on \S+-web1/);
  });

  it('a server.xml that is not well-formed: file, line and column', async () => {
    await lab.exec(
      host(),
      'cp -a /opt/tomcat/conf/server.xml /root/server.xml.good && ' +
        'sed -i "s#<Engine name=\\"Catalina\\"#<Engine name=\\"Catalina#" /opt/tomcat/conf/server.xml',
    );
    const broken = await checksums(lab, host());
    try {
      const r = await cli(['-i', lab.info.inventoryPath]);
      expect(r.code, r.out).not.toBe(0);
      expect(r.out).toMatch(/\/opt\/tomcat\/conf\/server\.xml:\d+:\d+/);
      expect(await checksums(lab, host())).toBe(broken);
    } finally {
      await lab.exec(host(), 'mv /root/server.xml.good /opt/tomcat/conf/server.xml');
    }
    expect(await checksums(lab, host())).toBe(pristine);
  });

  it('two instances sharing a port', async () => {
    await expectRefused(
      ['-i', inventory(instances({}, { ports: { shutdown: 8006, http: 8080, redirect: 8444, ajp: 8010 } }))],
      /port 8080 is used by/,
    );
  });

  it('two instances sharing a route', async () => {
    await expectRefused(['-i', inventory(instances({}, { jvmRoute: 'tomcat1' }))], /jvmRoute tomcat1 is used/);
  });

  it('an unknown Apache layout', async () => {
    await lab.exec(host(), 'mv /usr/local/apache2/conf/httpd.conf /root/httpd.conf.away');
    const moved = await checksums(lab, host());
    try {
      const r = await cli(['-i', lab.info.inventoryPath]);
      expect(r.code, r.out).not.toBe(0);
      expect(r.out).toMatch(/apache_layout/);
      expect(r.out).toContain('/usr/local/apache2/conf/httpd.conf');
      expect(await checksums(lab, host())).toBe(moved);
      expect((await lab.exec(host(), 'test -e /opt/tomcat2')).code).toBe(1);
    } finally {
      await lab.exec(host(), 'mv /root/httpd.conf.away /usr/local/apache2/conf/httpd.conf');
    }
  });

  it('a WAR that is not a zip', async () => {
    const war = join(dir, 'not-a.war');
    writeFileSync(war, 'this is not a zip archive\n');
    await expectRefused(['-i', lab.info.inventoryPath, '-e', `app_src=${war}`], /not-a\.war is not a WAR file/);
  });
});
