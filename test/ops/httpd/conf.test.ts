import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { OperationError } from '../../../src/core/errors.ts';
import {
  enableInclude,
  enableModules,
  hasListen,
  loadedModules,
  neutralizeShippedExamples,
  upsertMarkedBlock,
} from '../../../src/ops/httpd/conf.ts';
import { EXAMPLE_NOTE } from '../../../src/ops/httpd/examples.ts';
import { requiredModules } from '../../../src/ops/httpd/modules.ts';
import { changedLines } from './host-dir.ts';

const LAB = new URL('../../../src/lab/assets/apache2/conf/', import.meta.url);
const httpdConf = readFileSync(new URL('httpd.conf', LAB), 'utf8');
const vhostsConf = readFileSync(new URL('extra/httpd-vhosts.conf', LAB), 'utf8');
const AJP = requiredModules(['ajp']);

describe('enableModules', () => {
  it('uncomments exactly the shipped LoadModule lines the balancer needs', () => {
    const out = enableModules(httpdConf, AJP);
    expect(changedLines(httpdConf, out)).toEqual([
      'LoadModule proxy_module modules/mod_proxy.so',
      'LoadModule proxy_ajp_module modules/mod_proxy_ajp.so',
      'LoadModule proxy_balancer_module modules/mod_proxy_balancer.so',
      'LoadModule slotmem_shm_module modules/mod_slotmem_shm.so',
      'LoadModule lbmethod_byrequests_module modules/mod_lbmethod_byrequests.so',
    ]);
    expect(loadedModules(out).has('proxy_http_module')).toBe(false);
    expect(enableModules(out, AJP)).toBe(out);
  });

  it('handles "# LoadModule", indentation and CRLF, touching nothing else', () => {
    const text = [
      '# a comment',
      '  # LoadModule proxy_module modules/mod_proxy.so',
      '##LoadModule proxy_ajp_module modules/mod_proxy_ajp.so',
      'LoadModule mime_module modules/mod_mime.so',
      '',
    ].join('\r\n');
    const out = enableModules(text, AJP.slice(0, 2));
    expect(out).toBe(
      [
        '# a comment',
        '  LoadModule proxy_module modules/mod_proxy.so',
        'LoadModule proxy_ajp_module modules/mod_proxy_ajp.so',
        'LoadModule mime_module modules/mod_mime.so',
        '',
      ].join('\r\n'),
    );
  });

  it('does not take the header example "# LoadModule foo_module" for a module line', () => {
    const text = '# LoadModule foo_module modules/mod_foo.so\n';
    expect(enableModules(text, [{ name: 'foo', id: 'bar_module', file: 'mod_bar.so' }])).toBe(
      `${text}LoadModule bar_module modules/mod_bar.so\n`,
    );
  });

  it('appends absent modules after the last LoadModule line, once', () => {
    const text = 'LoadModule mime_module modules/mod_mime.so\n#LoadModule dir_module modules/mod_dir.so\nUser daemon';
    const out = enableModules(text, requiredModules(['http']));
    expect(out.split('\n').slice(2, 8)).toEqual([
      'LoadModule proxy_module modules/mod_proxy.so',
      'LoadModule proxy_http_module modules/mod_proxy_http.so',
      'LoadModule proxy_balancer_module modules/mod_proxy_balancer.so',
      'LoadModule lbmethod_byrequests_module modules/mod_lbmethod_byrequests.so',
      'LoadModule slotmem_shm_module modules/mod_slotmem_shm.so',
      'User daemon',
    ]);
    expect(enableModules(out, requiredModules(['http']))).toBe(out);
  });
});

describe('enableInclude', () => {
  const paths = ['conf/extra/httpd-vhosts.conf', '/usr/local/apache2/conf/extra/httpd-vhosts.conf'];

  it('uncomments the shipped Include line in place', () => {
    const out = enableInclude(httpdConf, paths);
    expect(changedLines(httpdConf, out)).toEqual(['Include conf/extra/httpd-vhosts.conf']);
    expect(enableInclude(out, paths)).toBe(out);
  });

  it('accepts an existing absolute or quoted Include and appends one when there is none', () => {
    const quoted = 'Include "/usr/local/apache2/conf/extra/httpd-vhosts.conf"\n';
    expect(enableInclude(quoted, paths)).toBe(quoted);
    expect(enableInclude('Listen 80\r\n', paths)).toBe('Listen 80\r\nInclude conf/extra/httpd-vhosts.conf\r\n');
    expect(enableInclude('Listen 80', paths)).toBe('Listen 80\nInclude conf/extra/httpd-vhosts.conf\n');
  });
});

describe('upsertMarkedBlock', () => {
  it('appends after a blank line, then replaces only between the markers', () => {
    const one = upsertMarkedBlock('user line\n', 'balancer app', 'A\nB');
    expect(one).toBe('user line\n\n# BEGIN provision balancer app\nA\nB\n# END provision balancer app\n');
    expect(upsertMarkedBlock(one, 'balancer app', 'A\nB')).toBe(one);
    const edited = `${one}after\n`;
    expect(upsertMarkedBlock(edited, 'balancer app', 'C')).toBe(
      'user line\n\n# BEGIN provision balancer app\nC\n# END provision balancer app\nafter\n',
    );
  });

  it('keeps CRLF files CRLF and leaves other balancers blocks alone', () => {
    const crlf = upsertMarkedBlock('x\r\n', 'balancer b', 'B');
    const both = upsertMarkedBlock(crlf, 'balancer a', 'A');
    expect(both).toBe(
      'x\r\n\r\n# BEGIN provision balancer b\r\nB\r\n# END provision balancer b\r\n' +
        '\r\n# BEGIN provision balancer a\r\nA\r\n# END provision balancer a\r\n',
    );
    expect(upsertMarkedBlock(both, 'balancer b', 'B2')).toContain('# BEGIN provision balancer b\r\nB2\r\n# END');
  });

  it('refuses a BEGIN marker without its END', () => {
    expect(() => upsertMarkedBlock('# BEGIN provision balancer app\nA\n', 'balancer app', 'A')).toThrow(OperationError);
  });
});

describe('neutralizeShippedExamples', () => {
  it('comments out both unmodified shipped example vhosts', () => {
    const out = neutralizeShippedExamples(vhostsConf);
    expect(out.split('\n').filter((l) => l === EXAMPLE_NOTE)).toHaveLength(2);
    expect(out).not.toMatch(/^<VirtualHost/m);
    expect(out).toContain('#    CustomLog "logs/dummy-host2.example.com-access_log" common\n#</VirtualHost>');
    expect(neutralizeShippedExamples(out)).toBe(out);
  });

  it("leaves an edited example alone: it is the user's config", () => {
    const edited = vhostsConf.replace('ServerName dummy-host2.example.com', 'ServerName shop.example.org');
    const out = neutralizeShippedExamples(edited);
    expect(out).toContain('<VirtualHost *:80>\n    ServerAdmin webmaster@dummy-host2.example.com');
    expect(out.split('\n').filter((l) => l === EXAMPLE_NOTE)).toHaveLength(1);
  });
});

describe('hasListen', () => {
  it('finds Listen by port with or without an address, not in comments', () => {
    expect(hasListen(httpdConf, 80)).toBe(true);
    expect(hasListen(httpdConf, 8080)).toBe(false);
    expect(hasListen('#Listen 8080\nListen 10.0.0.1:8081\n', 8080)).toBe(false);
    expect(hasListen('#Listen 8080\nListen 10.0.0.1:8081\n', 8081)).toBe(true);
  });
});
