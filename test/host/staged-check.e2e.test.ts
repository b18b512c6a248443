/**
 * The staged config test's shell on this machine, as root, with the real `apache2ctl` on a copy of
 * Debian 12's /etc/apache2 (APACHE_CONFDIR points at it): the test sees the new files and links
 * at their real paths, the real tree never changes, and nothing (mount, temp copy) is left behind.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { quote } from '../../src/core/quote.ts';
import { STAGED_CHECK_FAILED, stagedCheckScript, type StagedEntry } from '../../src/host/staged-check-script.ts';

const FIXTURE = new URL('../fixtures/httpd/debian/apache2', import.meta.url).pathname;
let root: string;
let conf: string;

function tree(): string {
  const r = spawnSync('sh', [
    '-c',
    `cd ${quote(conf)} && find . | sort | while read p; do [ -L "$p" ] && readlink "$p" || sha256sum "$p" 2>/dev/null || echo "$p"; done`,
  ]);
  return r.stdout.toString();
}

function run(entries: StagedEntry[], check: string): { code: number | null; stderr: string } {
  const r = spawnSync('sh', ['-c', stagedCheckScript(entries, check)], {
    encoding: 'utf8',
    timeout: 30_000,
    env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', TMPDIR: root },
  });
  return { code: r.status, stderr: r.stderr };
}

const site = (body: string): StagedEntry[] => [
  { path: `${conf}/sites-available/provision-balancer-app.conf`, content: Buffer.from(body) },
  { path: `${conf}/sites-enabled/provision-balancer-app.conf`, link: '../sites-available/provision-balancer-app.conf' },
];

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'pv-staged-'));
  conf = join(root, 'etc/apache2');
  cpSync(FIXTURE, conf, { recursive: true, verbatimSymlinks: true });
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('staged config test (real apache2ctl, private mount namespace)', () => {
  it('tests the new site and its link at their real paths, and leaves the real tree as it was', async () => {
    const before = tree();
    const out = join(root, 'vhosts.txt');
    const check = `APACHE_CONFDIR=${quote(conf)} apache2ctl -S > ${quote(out)}`;
    const r = run(site('<VirtualHost *:80>\n    ServerName staged.example.com\n</VirtualHost>\n'), check);
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(out, 'utf8')).toContain(`namevhost staged.example.com (${conf}/sites-enabled/provision-balancer-app.conf:1)`);
    expect(tree()).toBe(before);
    expect(() => readlinkSync(`${conf}/sites-enabled/provision-balancer-app.conf`)).toThrow();
    expect(readdirSync(root).sort()).toEqual(['etc', 'vhosts.txt']);
    expect(readFileSync('/proc/self/mounts', 'utf8')).not.toContain(root);
  });

  it('fails with httpd’s own words when the new config does not pass, changing nothing', () => {
    const before = tree();
    const r = run(site('<VirtualHost *:80>\n    NoSuchDirective on\n</VirtualHost>\n'), `APACHE_CONFDIR=${quote(conf)} apache2ctl -t`);
    expect(r.code).toBe(STAGED_CHECK_FAILED);
    expect(r.stderr).toContain(`Syntax error on line 2 of ${conf}/sites-enabled/provision-balancer-app.conf`);
    expect(r.stderr).toContain("Invalid command 'NoSuchDirective'");
    expect(tree()).toBe(before);
    expect(readdirSync(root)).toEqual(['etc']);
  });
});
