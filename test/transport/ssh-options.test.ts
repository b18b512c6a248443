import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseSshArgs } from '../../src/transport/ssh-options.ts';
import { resolveRoute } from '../../src/transport/ssh-route.ts';
import type { ConnectionSpec } from '../../src/transport/types.ts';

const dir = mkdtempSync(join(tmpdir(), 'pv-ssh-options-'));
const cfg = join(dir, 'config');
writeFileSync(
  cfg,
  [
    'Host web1',
    '  HostName %h.internal.example',
    '  User deploy',
    '  Port 2222',
    '  IdentityFile ~/.ssh/web_key',
    'Host bastion*',
    '  User jumper',
    'Host *',
    '  ProxyJump bastion1,bastion2:2200',
    '  User fallback',
    '',
  ].join('\n'),
);

const spec = (over: Partial<ConnectionSpec> = {}): ConnectionSpec => ({
  name: 'web1',
  host: 'web1',
  port: 22,
  user: userInfo().username,
  become: false,
  hostKeyChecking: 'strict',
  sshConfigFile: cfg,
  defaulted: { user: true, port: true, hostKeyChecking: true },
  ...over,
});

describe('ssh options as OpenSSH reads them', () => {
  it('parses -o (both spellings), -J, -i, -p, -l, -F; the first value wins; IdentityFile adds up', () => {
    const o = parseSshArgs([
      '-C',
      '-o',
      'ProxyJump=a',
      '-oPort=2',
      '-J',
      'b',
      '-i',
      'k1',
      '-o',
      'IdentityFile=k2',
      '-F',
      'f',
      '-o',
      'ControlMaster=auto',
      '-l',
      'u',
    ]);
    expect(o.options).toEqual({ proxyjump: 'a', port: '2', controlmaster: 'auto', user: 'u' });
    expect(o.identityFiles).toEqual(['k1', 'k2']);
    expect(o.configFile).toBe('f');
  });

  it('~/.ssh/config fills what the inventory left to defaults: HostName (%h), User, Port, IdentityFile, a ProxyJump chain', () => {
    const r = resolveRoute(spec());
    expect([r.spec.host, r.spec.user, r.spec.port]).toEqual(['web1.internal.example', 'deploy', 2222]);
    expect(r.identityFiles[0]).toMatch(/\/\.ssh\/web_key$/);
    // The last hop is the way in; the earlier ones are its own ProxyJump.
    expect(r.via).toMatchObject({ host: 'bastion2', port: 2200, sshArgs: ['-J', 'bastion1'] });
    // The jump host's user comes from its own Host block (OpenSSH's rule), not the target's.
    expect(resolveRoute(r.via!).spec.user).toBe('jumper');
  });

  it('the inventory and the ssh args come first: explicit user and port stay, -o ProxyJump=none or a ProxyCommand wins', () => {
    const r = resolveRoute(spec({ user: 'admin', port: 2022, defaulted: {}, sshArgs: ['-o', 'ProxyCommand=nc -x proxy %h %p'] }));
    expect([r.spec.user, r.spec.port]).toEqual(['admin', 2022]);
    expect(r.via).toBeUndefined();
    expect(r.proxyCommand).toBe('nc -x proxy web1.internal.example 2022');
    expect(resolveRoute(spec({ sshArgs: ['-o', 'ProxyJump=none'] })).via).toBeUndefined();
    expect(resolveRoute(spec({ sshArgs: ['-F', 'none'] })).spec.host).toBe('web1');
  });

  it('StrictHostKeyChecking=no from the args turns checking off only when the inventory did not choose', () => {
    expect(resolveRoute(spec({ sshArgs: ['-o', 'StrictHostKeyChecking=no'] })).spec.hostKeyChecking).toBe('off');
    expect(resolveRoute(spec({ sshArgs: ['-o', 'StrictHostKeyChecking=no'], defaulted: {} })).spec.hostKeyChecking).toBe('strict');
  });
});
