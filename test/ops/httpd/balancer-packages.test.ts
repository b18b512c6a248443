import { mkdirSync, readlinkSync, symlinkSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OperationError } from '../../../src/core/errors.ts';
import { httpdBalancerOp, type HttpdBalancerArgs } from '../../../src/ops/httpd/balancer.ts';
import { apacheService, configTestCommand } from '../../../src/ops/httpd/layout.ts';
import { expectGolden, FIXTURES, LAB_CONF } from './golden.ts';
import { ctxFor, HostDir } from './host-dir.ts';

const args: HttpdBalancerArgs = {
  name: 'app',
  server_name: 'app.example.com',
  members: [
    { host: '10.0.0.11', port: 8080, route: 'node1', protocol: 'http' },
    { host: 'fd00::12', port: 8009, route: 'node2', secret: 'k3y' },
  ],
  retry: 10,
};

let host: HostDir;
beforeEach(() => {
  host = new HostDir();
});
afterEach(() => host.remove());

describe('httpd_balancer on the CentOS/RHEL package', () => {
  const DROPIN = '/etc/httpd/conf.d/provision-balancer-app.conf';

  it('writes one conf.d drop-in that loads missing modules itself, then changes nothing', async () => {
    host.copyIn(`${FIXTURES}rhel/httpd.conf`, '/etc/httpd/conf/httpd.conf');
    const plan = await host.plan(httpdBalancerOp, args, ctxFor());
    expect(plan.changes.map((c) => (c.kind === 'write' ? c.path : c.kind))).toEqual(['staged-check', DROPIN]);
    const w = plan.changes[1]!;
    expectGolden('rhel/provision-balancer-app.conf', w.kind === 'write' ? w.content.toString() : '');
    host.apply(plan.changes);
    const again = await host.plan(httpdBalancerOp, args, ctxFor());
    expect(again.changes).toEqual([]);
    expect(again.okMessage).toContain('rhel layout, /etc/httpd');
  });

  it('adds a Listen only for a port httpd.conf does not listen on', async () => {
    host.copyIn(`${FIXTURES}rhel/httpd.conf`, '/etc/httpd/conf/httpd.conf');
    const plan = await host.plan(httpdBalancerOp, { ...args, listen: 8000 }, ctxFor());
    const w = plan.changes[1]!;
    expect(w.kind === 'write' && w.content.toString()).toContain('Listen 8000\n<VirtualHost *:8000>');
  });
});

describe('httpd_balancer on the Debian package', () => {
  const SITE = '/etc/apache2/sites-available/provision-balancer-app.conf';

  beforeEach(() => host.copyIn(`${FIXTURES}debian/apache2`, '/etc/apache2'));

  it('links the modules like a2enmod, writes the site and links it like a2ensite', async () => {
    const plan = await host.plan(httpdBalancerOp, args, ctxFor());
    expect(plan.changes.map((c) => c.summary)).toEqual([
      `test the new Apache config (/usr/sbin/apache2ctl -t) on staged copies of ${SITE}, /etc/apache2/mods-enabled/proxy.load, ` +
        '/etc/apache2/mods-enabled/proxy.conf, /etc/apache2/mods-enabled/proxy_ajp.load, /etc/apache2/mods-enabled/proxy_http.load, ' +
        '/etc/apache2/mods-enabled/proxy_balancer.load, /etc/apache2/mods-enabled/proxy_balancer.conf, ' +
        '/etc/apache2/mods-enabled/lbmethod_byrequests.load, /etc/apache2/mods-enabled/slotmem_shm.load, ' +
        '/etc/apache2/sites-enabled/provision-balancer-app.conf, before any is written',
      'enable module proxy (proxy.load)',
      'enable module proxy (proxy.conf)',
      'enable module proxy_ajp (proxy_ajp.load)',
      'enable module proxy_http (proxy_http.load)',
      'enable module proxy_balancer (proxy_balancer.load)',
      'enable module proxy_balancer (proxy_balancer.conf)',
      'enable module lbmethod_byrequests (lbmethod_byrequests.load)',
      'enable module slotmem_shm (slotmem_shm.load)',
      `balancer://app site in ${SITE}`,
      'enable site provision-balancer-app',
    ]);
    const staged = plan.changes[0]!;
    expect(
      staged.kind === 'staged-check' && staged.entries.find((e) => e.path.endsWith('/sites-enabled/provision-balancer-app.conf')),
    ).toEqual({
      path: '/etc/apache2/sites-enabled/provision-balancer-app.conf',
      link: '../sites-available/provision-balancer-app.conf',
    });
    const first = plan.changes[1]!;
    expect(first.kind === 'exec' && [first.command, first.undo]).toEqual([
      'ln -s ../mods-available/proxy.load /etc/apache2/mods-enabled/proxy.load',
      'rm -f /etc/apache2/mods-enabled/proxy.load',
    ]);
    const site = plan.changes.find((c) => c.kind === 'write')!;
    expectGolden('debian/provision-balancer-app.conf', site.kind === 'write' ? site.content.toString() : '');
    host.apply(plan.changes);
    expect(readlinkSync(host.at('/etc/apache2/sites-enabled/provision-balancer-app.conf'))).toBe(
      '../sites-available/provision-balancer-app.conf',
    );
    expect(host.read('/etc/apache2/mods-enabled/proxy_balancer.load')).toContain('LoadModule proxy_balancer_module');
    expect((await host.plan(httpdBalancerOp, args, ctxFor())).changes).toEqual([]);
  });

  it('names the module that the host lacks', async () => {
    host.remove();
    host = new HostDir();
    host.copyIn(`${FIXTURES}debian/apache2/apache2.conf`, '/etc/apache2/apache2.conf');
    const err = await host.plan(httpdBalancerOp, args, ctxFor('edge')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OperationError);
    expect((err as Error).message).toBe('module proxy is not in /etc/apache2/mods-available on edge');
  });
});

describe('layout detection', () => {
  it('refuses to guess between a source build and a distro package on the same host, naming both', async () => {
    host.copyIn(`${FIXTURES}debian/apache2`, '/etc/apache2');
    host.copyIn(`${LAB_CONF}httpd.conf`, '/usr/local/apache2/conf/httpd.conf');
    const err = await host.plan(httpdBalancerOp, args, ctxFor('web3')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OperationError);
    expect((err as OperationError).message).toBe(
      'more than one Apache on web3: /usr/local/apache2/conf/httpd.conf (source build) and /etc/apache2/apache2.conf (Debian package)',
    );
    expect((err as OperationError).hint).toMatch(/set apache_layout to source or debian/);
  });

  it('takes the source build when apache_home says so, though a distro package is there too', async () => {
    host.copyIn(`${FIXTURES}debian/apache2`, '/etc/apache2');
    host.copyIn(`${LAB_CONF}httpd.conf`, '/usr/local/apache2/conf/httpd.conf');
    const plan = await host.plan(httpdBalancerOp, args, ctxFor('web1', { apache_home: '/usr/local/apache2' }));
    expect(plan.changes.map((c) => (c.kind === 'write' ? c.path : c.kind))).toEqual([
      'staged-check',
      '/usr/local/apache2/conf/extra/httpd-vhosts.conf',
      '/usr/local/apache2/conf/httpd.conf',
    ]);
  });

  it('never falls back to another Apache when the apache_home variable is mistyped', async () => {
    host.copyIn(`${FIXTURES}rhel/httpd.conf`, '/etc/httpd/conf/httpd.conf');
    const err = await host.plan(httpdBalancerOp, args, ctxFor('web7', { apache_home: '/usr/local/apache' })).catch((e: unknown) => e);
    expect((err as OperationError).message).toBe(
      'no source build of Apache found on web7: looked for /usr/local/apache/conf/httpd.conf (source build)',
    );
    expect((err as OperationError).hint).toMatch(/apache_home is \/usr\/local\/apache: check it is the ServerRoot/);
  });

  it('follows the apache_layout host variable', async () => {
    host.copyIn(`${FIXTURES}debian/apache2`, '/etc/apache2');
    host.copyIn(`${LAB_CONF}httpd.conf`, '/usr/local/apache2/conf/httpd.conf');
    const plan = await host.plan(httpdBalancerOp, args, ctxFor('web1', { apache_layout: 'debian' }));
    expect(plan.changes.at(-1)!.summary).toBe('enable site provision-balancer-app');
  });

  it('reports an unknown layout with the host, every path looked at, and the variable to set', async () => {
    const err = await host.plan(httpdBalancerOp, args, ctxFor('web7')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OperationError);
    expect((err as OperationError).message).toBe(
      'no Apache of a known layout found on web7: looked for /usr/local/apache2/conf/httpd.conf (source build), ' +
        '/etc/httpd/conf/httpd.conf (CentOS/RHEL package), /etc/apache2/apache2.conf (Debian package)',
    );
    expect((err as OperationError).host).toBe('web7');
    expect((err as OperationError).hint).toMatch(/apache_layout \(source\|rhel\|debian\)/);
  });

  it('reports a missing source build at the apache_home given', async () => {
    host.copyIn(`${FIXTURES}rhel/httpd.conf`, '/etc/httpd/conf/httpd.conf');
    const err = await host.plan(httpdBalancerOp, { ...args, apache_home: '/opt/httpd' }, ctxFor('web7')).catch((e: unknown) => e);
    expect((err as Error).message).toBe('no source build of Apache found on web7: looked for /opt/httpd/conf/httpd.conf (source build)');
  });
});

describe('config test and service per layout', () => {
  it('gives the command that checks the whole config, quoting odd paths', () => {
    expect(configTestCommand('source')).toBe('/usr/local/apache2/bin/httpd -d /usr/local/apache2 -f /usr/local/apache2/conf/httpd.conf -t');
    expect(configTestCommand('source', '/opt/my apache', '/usr/sbin/apache2')).toBe(
      "/usr/sbin/apache2 -d '/opt/my apache' -f '/opt/my apache/conf/httpd.conf' -t",
    );
    expect(configTestCommand('rhel')).toBe('/usr/sbin/httpd -t');
    expect(configTestCommand('debian')).toBe('/usr/sbin/apache2ctl -t');
    expect(apacheService('rhel')).toEqual({ name: 'httpd' });
    expect(apacheService('debian')).toEqual({ name: 'apache2' });
  });

  it('refuses to edit a config file that is a symlink instead of overwriting the link', async () => {
    host.copyIn(`${FIXTURES}rhel/httpd.conf`, '/srv/httpd.conf');
    mkdirSync(host.at('/usr/local/apache2/conf'), { recursive: true });
    symlinkSync(host.at('/srv/httpd.conf'), host.at('/usr/local/apache2/conf/httpd.conf'));
    const err = await host.plan(httpdBalancerOp, args, ctxFor('web2')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OperationError);
    expect((err as Error).message).toBe('/usr/local/apache2/conf/httpd.conf on web2 is a link, not a regular file');
  });
});
