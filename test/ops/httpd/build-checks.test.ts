/**
 * The balancer against the host's Apache build, from fact fixtures: the `httpd -v && httpd -l`
 * output of real builds (CentOS 7's 2.4.6, Debian 12's) and the module files present.
 */
import { cachedCommand } from '../../../src/facts/host-cache.ts';
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Change } from '../../../src/core/change.ts';
import { OperationError } from '../../../src/core/errors.ts';
import { httpdBalancerOp, type HttpdBalancerArgs } from '../../../src/ops/httpd/balancer.ts';
import { buildFact, parseBuild } from '../../../src/ops/httpd/build.ts';
import { stagedDirs } from '../../../src/host/staged-check-script.ts';
import { FIXTURES, LAB_CONF } from './golden.ts';
import { ctxFor, HostDir } from './host-dir.ts';

const out = (name: string) => readFileSync(`${FIXTURES}build/${name}.txt`, 'utf8');
const CENTOS7 = out('centos7');
const DEBIAN12 = out('debian12');

const ajp: HttpdBalancerArgs = {
  name: 'tomcats',
  members: [
    { host: '10.0.0.11', port: 8009, route: 'tomcat1', secret: 's3cr3t', http_port: 8080 },
    { host: '10.0.0.12', port: 8009, route: 'tomcat2', secret: 's3cr3t', http_port: 8080 },
  ],
};

let host: HostDir;
beforeEach(() => {
  host = new HostDir();
});
afterEach(() => host.remove());

/** A CentOS 7 box: the rhel layout, whose `/usr/sbin/httpd -v` says 2.4.6. */
function centos7(modules: string[] = []): void {
  host.copyIn(`${FIXTURES}rhel/httpd.conf`, '/etc/httpd/conf/httpd.conf');
  host.commands.set(buildFact('/usr/sbin/httpd').command, { code: 0, stdout: CENTOS7 });
  for (const m of modules) host.put(`/etc/httpd/modules/${m}`, '');
}

async function refusal(args: HttpdBalancerArgs, host_ = 'web1'): Promise<OperationError> {
  const err = await host.plan(httpdBalancerOp, args, ctxFor(host_)).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(OperationError);
  return err as OperationError;
}

const dropin = (changes: Change[]): string => {
  const w = changes.find((c) => c.kind === 'write');
  return w?.kind === 'write' ? w.content.toString() : '';
};

describe('the Apache build, read as a fact', () => {
  it('parses the version and the compiled-in modules of real builds', () => {
    expect(parseBuild({ code: 0, stdout: CENTOS7 })).toEqual({
      version: [2, 4, 6],
      text: 'Apache/2.4.6 (CentOS)',
      builtIn: new Set(['mod_so.c']),
    });
    const debian = parseBuild({ code: 0, stdout: DEBIAN12 });
    expect(debian.version).toEqual([2, 4, 71]);
    expect(debian.builtIn.has('mod_watchdog.c')).toBe(true);
    expect(parseBuild({ code: 127, stdout: '' })).toEqual({ version: null, text: null, builtIn: new Set() });
  });

  it('is asked in the same fact round trip as the config files (one command per candidate layout)', () => {
    const reqs = httpdBalancerOp.facts(ajp, ctxFor());
    // Each kept on the host while its binary is the same file (facts/host-cache.ts).
    expect(reqs.filter((r) => r.type === 'command').map((r) => r.type === 'command' && r.command)).toEqual([
      cachedCommand('/usr/local/apache2/bin/httpd -v && /usr/local/apache2/bin/httpd -l', ['/usr/local/apache2/bin/httpd']),
      cachedCommand('/usr/sbin/httpd -v && /usr/sbin/httpd -l', ['/usr/sbin/httpd']),
      cachedCommand('/usr/sbin/apache2ctl -v && /usr/sbin/apache2ctl -l', ['/usr/sbin/apache2ctl', '/usr/sbin/apache2']),
    ]);
  });
});

describe('AJP secret on an Apache older than 2.4.42', () => {
  it('refuses before any change, naming the host, the version found and what to do', async () => {
    centos7();
    const err = await refusal(ajp, 'web3');
    expect(err.message).toBe(
      'Apache on web3 is Apache/2.4.6 (CentOS) (/usr/sbin/httpd -v): BalancerMember secret= (the AJP secret) needs httpd 2.4.42 or newer',
    );
    expect(err.hint).toMatch(/^upgrade Apache to 2\.4\.42\+, or set ajp_secret_unsupported: http/);
    expect(err.hint).toContain('bind that connector to loopback or firewall it');
  });

  it('falls back to HTTP members on each http_port when the user chose http', async () => {
    centos7();
    const plan = await host.plan(httpdBalancerOp, { ...ajp, ajp_secret_unsupported: 'http' }, ctxFor());
    const text = dropin(plan.changes);
    expect(text).toContain('BalancerMember "http://10.0.0.11:8080" route=tomcat1 retry=5\n');
    expect(text).toContain('BalancerMember "http://10.0.0.12:8080" route=tomcat2 retry=5\n');
    expect(text).not.toContain('secret=');
    expect(text).not.toContain('ajp://');
    expect(text).toContain('LoadModule proxy_http_module modules/mod_proxy_http.so');
    expect(text).not.toContain('proxy_ajp_module');
    expect(plan.changes.find((c) => c.kind === 'write')!.summary).toContain(
      '(HTTP members: Apache/2.4.6 (CentOS) cannot send the AJP secret)',
    );
    host.apply(plan.changes);
    const again = await host.plan(httpdBalancerOp, { ...ajp, ajp_secret_unsupported: 'http' }, ctxFor());
    expect(again.changes).toEqual([]);
    expect(again.okMessage).toContain('HTTP members: Apache/2.4.6 (CentOS) cannot send the AJP secret');
  });

  it('refuses the fallback for a member without http_port', async () => {
    centos7();
    const members = [ajp.members[0]!, { host: '10.0.0.12', port: 8009, route: 'tomcat2', secret: 's3cr3t' }];
    const err = await refusal({ ...ajp, members, ajp_secret_unsupported: 'http' });
    expect(err.message).toContain('member 10.0.0.12:8009 has no http_port to fall back to');
  });

  it('lets the staged config test decide when the user trusts a vendor backport', async () => {
    centos7();
    const plan = await host.plan(httpdBalancerOp, { ...ajp, ajp_secret_unsupported: 'test' }, ctxFor());
    expect(plan.changes[0]!.kind).toBe('staged-check');
    expect(dropin(plan.changes)).toContain('secret=s3cr3t');
  });

  it('keeps AJP with the secret on 2.4.42+ and when the binary did not answer (the staged test guards)', async () => {
    host.copyIn(`${FIXTURES}rhel/httpd.conf`, '/etc/httpd/conf/httpd.conf');
    expect(dropin((await host.plan(httpdBalancerOp, ajp, ctxFor())).changes)).toContain(
      '"ajp://10.0.0.11:8009" route=tomcat1 retry=5 secret=s3cr3t',
    );
    host.commands.set(buildFact('/usr/sbin/httpd').command, { code: 0, stdout: DEBIAN12 });
    expect(dropin((await host.plan(httpdBalancerOp, ajp, ctxFor())).changes)).toContain('secret=s3cr3t');
  });
});

describe('health checks (mod_proxy_hcheck)', () => {
  const http: HttpdBalancerArgs = {
    name: 'tomcats',
    members: [
      { host: '10.0.0.11', port: 8080, route: 'tomcat1', protocol: 'http' },
      { host: '10.0.0.12', port: 8009, route: 'tomcat2' },
    ],
    health_check: { uri: '/counter/', interval: 3 },
  };

  it('refuses on httpd older than 2.4.21', async () => {
    centos7(['mod_proxy_hcheck.so', 'mod_watchdog.so']);
    const err = await refusal(http);
    expect(err.message).toBe(
      'Apache on web1 is Apache/2.4.6 (CentOS) (/usr/sbin/httpd -v): health_check needs mod_proxy_hcheck, which httpd has since 2.4.21',
    );
  });

  it('refuses when the module file is missing, naming the file looked for', async () => {
    host.copyIn(`${FIXTURES}rhel/httpd.conf`, '/etc/httpd/conf/httpd.conf');
    host.commands.set(buildFact('/usr/sbin/httpd').command, { code: 0, stdout: out('rocky8') });
    host.put('/etc/httpd/modules/mod_watchdog.so', '');
    const err = await refusal(http);
    expect(err.message).toBe('health_check needs mod_proxy_hcheck.so on web1, and /etc/httpd/modules/mod_proxy_hcheck.so does not exist');
  });

  it('checks HTTP members with GET on the uri and AJP members with CPING, loading watchdog and proxy_hcheck', async () => {
    host.copyIn(`${FIXTURES}rhel/httpd.conf`, '/etc/httpd/conf/httpd.conf');
    host.commands.set(buildFact('/usr/sbin/httpd').command, { code: 0, stdout: out('rocky8') });
    for (const m of ['mod_proxy_hcheck.so', 'mod_watchdog.so']) host.put(`/etc/httpd/modules/${m}`, '');
    const text = dropin((await host.plan(httpdBalancerOp, http, ctxFor())).changes);
    expect(text).toContain('BalancerMember "http://10.0.0.11:8080" route=tomcat1 retry=5 hcmethod=GET hcuri=/counter/ hcinterval=3\n');
    expect(text).toContain('BalancerMember "ajp://10.0.0.12:8009" route=tomcat2 retry=5 hcmethod=CPING hcinterval=3\n');
    expect(text).toContain('<IfModule !watchdog_module>\n    LoadModule watchdog_module modules/mod_watchdog.so\n</IfModule>');
    expect(text).toContain('<IfModule !proxy_hcheck_module>\n    LoadModule proxy_hcheck_module modules/mod_proxy_hcheck.so\n</IfModule>');
  });

  it('does not load mod_watchdog where it is compiled in (Debian), and links proxy_hcheck like a2enmod', async () => {
    host.copyIn(`${FIXTURES}debian/apache2`, '/etc/apache2');
    host.commands.set(buildFact('/usr/sbin/apache2ctl').command, { code: 0, stdout: DEBIAN12 });
    host.put('/usr/lib/apache2/modules/mod_proxy_hcheck.so', '');
    const plan = await host.plan(httpdBalancerOp, { ...http, server_name: 'app.example.com' }, ctxFor());
    const summaries = plan.changes.map((c) => c.summary);
    expect(summaries).toContain('enable module proxy_hcheck (proxy_hcheck.load)');
    expect(summaries.some((s) => s.includes('watchdog'))).toBe(false);
  });

  it('rejects a method that cannot check a member of that protocol', async () => {
    centos7();
    const err = await refusal({ ...http, health_check: { method: 'CPING' } });
    expect(err.message).toBe('health_check method CPING cannot check 10.0.0.11:8080, which speaks http');
  });
});

describe('the staged config test', () => {
  it('copies each changed directory once, a nested one inside its parent', () => {
    const e = (path: string) => ({ path, content: Buffer.from('') });
    expect(stagedDirs([e('/a/conf/extra/v.conf'), e('/a/conf/httpd.conf'), e('/etc/x/y.conf')])).toEqual(['/a/conf', '/etc/x']);
  });

  it('is left out when staged_check is false, and absent when nothing changes', async () => {
    host.copyIn(`${LAB_CONF}httpd.conf`, '/usr/local/apache2/conf/httpd.conf');
    const args = { ...ajp, staged_check: false };
    const plan = await host.plan(httpdBalancerOp, args, ctxFor());
    expect(plan.changes.map((c) => c.kind)).toEqual(['write', 'write']);
    host.apply(plan.changes);
    expect((await host.plan(httpdBalancerOp, ajp, ctxFor())).changes).toEqual([]);
  });
});
