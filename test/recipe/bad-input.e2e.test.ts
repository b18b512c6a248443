/**
 * Bad input for the recipe, each through the CLI on a pristine lab host: a clear error naming the
 * problem, a non-zero exit, and no change on the host (every file's checksum as before).
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { useLab } from '../helpers/lab.ts';
import { checksums, cli, inventoryWith } from '../helpers/recipe.ts';

const RHEL_CONF = new URL('../fixtures/httpd/rhel/httpd.conf', import.meta.url).pathname;
const lab = useLab({ profile: 'recipe', services: false });
const host = () => lab.hosts[0]!;
let dir: string;
let pristine: string;

/** The lab inventory with some host variables set. */
const inventory = (hostVars: Record<string, unknown>): string => inventoryWith(lab, host(), dir, hostVars);

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

  it('an instance home with a shell character: the variable, its form, nothing run', async () => {
    await expectRefused(
      ['-i', inventory(instances({}, { home: '/opt/tomcat2; touch /tmp/x' }))],
      /variable `tomcat_instances\[1\]\.home` is "\/opt\/tomcat2; touch \/tmp\/x": must be an absolute path of letters/,
    );
    expect((await lab.exec(host(), 'test -e /tmp/x')).code).toBe(1);
  });

  it('a mistyped apache_home never falls back to another Apache on the host; two Apaches and no choice name both', async () => {
    // A CentOS package's Apache next to the recipe's source build.
    // The host has its own /tmp (where a CI clone may live): the file travels in the command, not by path.
    const conf = readFileSync(RHEL_CONF).toString('base64');
    await lab.exec(host(), `mkdir -p /etc/httpd/conf && echo ${conf} | base64 -d > /etc/httpd/conf/httpd.conf`);
    try {
      const typo = await cli(['-i', inventory({ apache_home: '/usr/local/apache' })]);
      expect(typo.code, typo.out).toBe(2);
      expect(typo.out).toContain('no source build of Apache found on');
      expect(typo.out).toContain('looked for /usr/local/apache/conf/httpd.conf (source build)');
      expect(typo.out).toMatch(/apache_home is \/usr\/local\/apache: check it is the ServerRoot/);
      const both = await cli(['-i', lab.info.inventoryPath]);
      expect(both.code, both.out).toBe(2);
      expect(both.out).toContain('/usr/local/apache2/conf/httpd.conf (source build) and /etc/httpd/conf/httpd.conf (CentOS/RHEL package)');
      expect(both.out).toMatch(/set apache_layout to source or rhel/);
      expect(await lab.exec(host(), 'sha256sum /etc/httpd/conf/httpd.conf').then((r) => r.stdout.split(' ')[0])).toBe(
        createHash('sha256').update(readFileSync(RHEL_CONF)).digest('hex'),
      );
      expect(await checksums(lab, host())).toBe(pristine);
    } finally {
      await lab.exec(host(), 'rm -rf /etc/httpd');
    }
  });

  it('not enough space for a copy: checked while planning, so tomcat1 is not touched either', async () => {
    await lab.exec(host(), 'mkdir -p /srv/small && mount -t tmpfs -o size=1m tmpfs /srv/small');
    try {
      const r = await cli(['-i', inventory(instances({}, { home: '/srv/small/tomcat2' }))]);
      expect(r.code, r.out).toBe(2);
      expect(r.out).toMatch(/not enough space in \/srv\/small on \S+ to copy \/opt\/tomcat: needs \d+ MiB, 1 MiB free/);
      expect(await checksums(lab, host())).toBe(pristine);
      expect((await lab.exec(host(), 'ls -A /srv/small')).stdout.trim()).toBe('');
    } finally {
      await lab.exec(host(), 'umount /srv/small && rmdir /srv/small');
    }
  });

  it('a WAR that is not a zip', async () => {
    const war = join(dir, 'not-a.war');
    writeFileSync(war, 'this is not a zip archive\n');
    await expectRefused(['-i', lab.info.inventoryPath, '-e', `app_src=${war}`], /not-a\.war is not a WAR file/);
  });
});
