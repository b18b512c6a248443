import { describe, expect, it } from 'vitest';
import { fact, type OsFact } from '../../../src/facts/types.ts';
import { packageOp } from '../../../src/ops/generic/package.ts';
import { ctxWith, planOp, schemaErrors, type FactEntry } from './helpers.ts';

const os = (pm: OsFact['packageManager']): OsFact => ({
  id: pm === 'apt' ? 'debian' : 'centos',
  version: '12',
  hostname: 'h',
  user: 'root',
  packageManager: pm,
  systemd: true,
  addresses: [],
});

/** Facts for manager auto: the os fact, and each package under every manager. */
function auto(pm: OsFact['packageManager'], installed: Record<string, string | null>): FactEntry[] {
  const out: FactEntry[] = [[fact.os(), os(pm)]];
  for (const m of ['apt', 'yum', 'dnf'] as const) {
    for (const [n, v] of Object.entries(installed)) out.push([fact.package(m, n), { version: m === pm ? v : null }]);
  }
  return out;
}

describe('package', () => {
  it('installs what is missing with the manager from the os fact', async () => {
    const plan = await planOp(packageOp, { name: ['httpd', 'curl'] }, auto('yum', { httpd: null, curl: '7.29.0-59.el7' }));
    expect(plan.changes).toEqual([{ kind: 'package', manager: 'yum', name: 'httpd', state: 'present', summary: 'install httpd (yum)' }]);
  });

  it('is ok when everything is installed, naming the versions', async () => {
    const plan = await planOp(packageOp, { name: 'apache2' }, auto('apt', { apache2: '2.4.62-1~deb12u2' }));
    expect(plan).toEqual({ changes: [], okMessage: 'apache2 2.4.62-1~deb12u2 is installed (apt)' });
  });

  it('removes installed packages with state absent', async () => {
    const plan = await planOp(packageOp, { name: 'telnet', state: 'absent' }, auto('dnf', { telnet: '0.17-85' }));
    expect(plan.changes).toEqual([
      { kind: 'package', manager: 'dnf', name: 'telnet', state: 'absent', summary: 'remove telnet 0.17-85 (dnf)' },
    ]);
    const done = await planOp(packageOp, { name: 'telnet', state: 'absent' }, auto('dnf', { telnet: null }));
    expect(done.okMessage).toBe('telnet is not installed (dnf)');
  });

  it('an explicit manager needs no os fact', async () => {
    const args = { name: 'firewalld', manager: 'apt' as const };
    expect(packageOp.facts(args, ctxWith())).toEqual([fact.package('apt', 'firewalld')]);
    const plan = await planOp(packageOp, args, [[fact.package('apt', 'firewalld'), { version: null }]]);
    expect(plan.changes).toMatchObject([{ manager: 'apt', name: 'firewalld' }]);
  });

  it('fails with a hint when the host has no known package manager', async () => {
    await expect(planOp(packageOp, { name: 'x' }, auto(null, { x: null }))).rejects.toMatchObject({
      message: expect.stringContaining('no apt, yum or dnf'),
      hint: expect.any(String),
    });
  });

  it('schema rejects bad names, states and typos', () => {
    expect(schemaErrors(packageOp, {})).toEqual([expect.stringContaining("required property 'name'")]);
    expect(schemaErrors(packageOp, { name: 'x; reboot' })).not.toBeNull();
    expect(schemaErrors(packageOp, { name: 'x', state: 'latest' })).not.toBeNull();
    expect(schemaErrors(packageOp, { name: 'x', manger: 'apt' })).not.toBeNull();
    expect(schemaErrors(packageOp, { name: ['tomcat', 'java-1.8.0-openjdk'], manager: 'yum' })).toBeNull();
  });
});
