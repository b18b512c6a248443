/**
 * The generated config, checked by the real Apache binary (Debian's apache2 2.4): `-t`, `-S`, `-M`
 * only — these parse the config and exit; Apache is never started.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { httpdBalancerOp } from '../../../src/ops/httpd/balancer.ts';
import { configTestCommand } from '../../../src/ops/httpd/layout.ts';
import { recipeArgs } from './args.ts';
import { FIXTURES, LAB_CONF } from './golden.ts';
import { ctxFor, HostDir } from './host-dir.ts';

const APACHE = '/usr/sbin/apache2';

function run(command: string, env: Record<string, string> = {}): { code: number | null; out: string } {
  const r = spawnSync('sh', ['-c', command], { encoding: 'utf8', timeout: 20_000, env: { PATH: '/usr/sbin:/usr/bin:/bin', ...env } });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

let host: HostDir;
afterEach(() => host.remove());

describe('source layout, checked by apache2 -t', () => {
  let home: string;
  let main: string;
  beforeEach(() => {
    host = new HostDir();
    home = host.at('/usr/local/apache2');
    main = `${home}/conf/httpd.conf`;
    // A self-contained copy: the shipped absolute paths (ServerRoot, DocumentRoot) point into it.
    for (const f of ['httpd.conf', 'extra/httpd-vhosts.conf']) {
      const text = readFileSync(`${LAB_CONF}${f}`, 'utf8').split('/usr/local/apache2').join(home);
      host.put(`/usr/local/apache2/conf/${f}`, text);
    }
    symlinkSync('/usr/lib/apache2/modules', `${home}/modules`);
    mkdirSync(`${home}/htdocs`);
    mkdirSync(`${home}/logs`);
  });

  it('passes the config test, loads the proxy modules, and makes the balancer the default vhost', async () => {
    host.apply((await host.plan(httpdBalancerOp, recipeArgs, ctxFor())).changes);
    const check = run(configTestCommand('source', home, APACHE));
    expect(check.out).toContain('Syntax OK');
    expect(check.code).toBe(0);

    const modules = run(`${APACHE} -d ${home} -f ${main} -M`).out;
    for (const m of ['proxy_module', 'proxy_ajp_module', 'proxy_balancer_module', 'lbmethod_byrequests_module', 'slotmem_shm_module']) {
      expect(modules).toContain(` ${m} (shared)`);
    }
    const vhostsPath = `${home}/conf/extra/httpd-vhosts.conf`;
    const line = readFileSync(vhostsPath, 'utf8').split('\n').indexOf('<VirtualHost *:80>') + 1;
    expect(line).toBeGreaterThan(0);
    // The only *:80 vhost left is ours: the shipped dummy-host examples no longer take the requests.
    const vhosts = run(`${APACHE} -d ${home} -f ${main} -S`).out;
    expect(vhosts).toMatch(/^\*:80 /m);
    expect(vhosts).toContain(`(${vhostsPath}:${line})`);
    expect(vhosts).not.toContain('dummy-host');
  });

  it('fails the config test when a module the vhost needs is not loaded', async () => {
    host.apply((await host.plan(httpdBalancerOp, recipeArgs, ctxFor())).changes);
    writeFileSync(main, readFileSync(main, 'utf8').replace('\nLoadModule proxy_module', '\n#LoadModule proxy_module'));
    const check = run(configTestCommand('source', home, APACHE));
    expect(check.code).not.toBe(0);
    expect(check.out).toMatch(/proxy/i);
  });
});

describe('Debian layout, checked by apache2ctl -t', () => {
  it('passes the config test with the site and modules enabled', async () => {
    host = new HostDir();
    host.copyIn(`${FIXTURES}debian/apache2`, '/etc/apache2');
    const args = { ...recipeArgs, server_name: 'app.example.com' };
    host.apply((await host.plan(httpdBalancerOp, args, ctxFor())).changes);
    // apache2ctl reads APACHE_CONFDIR (and its envvars), so the copy is tested, not /etc/apache2.
    const env = { APACHE_CONFDIR: host.at('/etc/apache2') };
    const check = run(configTestCommand('debian'), env);
    expect(check.out).toContain('Syntax OK');
    expect(check.code).toBe(0);
    const site = host.at('/etc/apache2/sites-enabled/provision-balancer-tomcats.conf');
    expect(run(`${configTestCommand('debian').replace(' -t', ' -S')}`, env).out).toContain(`port 80 namevhost app.example.com (${site}:2)`);
  });
});
