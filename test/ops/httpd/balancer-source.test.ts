import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Change } from '../../../src/core/change.ts';
import { OperationError } from '../../../src/core/errors.ts';
import { httpdBalancerOp } from '../../../src/ops/httpd/balancer.ts';
import { recipeArgs } from './args.ts';
import { expectGolden, LAB_CONF } from './golden.ts';
import { changedLines, ctxFor, HostDir } from './host-dir.ts';

const HOME = '/usr/local/apache2';
const MAIN = `${HOME}/conf/httpd.conf`;
const VHOSTS = `${HOME}/conf/extra/httpd-vhosts.conf`;

const writes = (changes: Change[]) => changes.filter((c) => c.kind === 'write');

let host: HostDir;
beforeEach(() => {
  host = new HostDir();
  host.copyIn(`${LAB_CONF}httpd.conf`, MAIN);
  host.copyIn(`${LAB_CONF}extra/httpd-vhosts.conf`, VHOSTS);
});
afterEach(() => host.remove());

describe('httpd_balancer on a source build (the recipe)', () => {
  it('writes the vhosts file, then httpd.conf, matching the golden files', async () => {
    const plan = await host.plan(httpdBalancerOp, recipeArgs, ctxFor());
    // The staged config test comes first, with the very bytes the writes then put in place.
    expect(plan.changes.map((c) => (c.kind === 'write' ? c.path : c.kind))).toEqual(['staged-check', VHOSTS, MAIN]);
    const [vhosts, main] = writes(plan.changes);
    const staged = plan.changes[0]!;
    expect(staged.kind === 'staged-check' && staged.entries).toEqual([
      { path: VHOSTS, content: vhosts!.content },
      { path: MAIN, content: main!.content },
    ]);
    expectGolden('source/httpd-vhosts.conf', vhosts!.content.toString());
    expectGolden('source/httpd.conf', main!.content.toString());
  });

  it('changes only the module lines and the Include line of httpd.conf', async () => {
    const plan = await host.plan(httpdBalancerOp, recipeArgs, ctxFor());
    const main = writes(plan.changes).find((c) => c.path === MAIN)!;
    expect(changedLines(host.read(MAIN), main.content.toString()).sort()).toEqual([
      'Include conf/extra/httpd-vhosts.conf',
      'LoadModule lbmethod_byrequests_module modules/mod_lbmethod_byrequests.so',
      'LoadModule proxy_ajp_module modules/mod_proxy_ajp.so',
      'LoadModule proxy_balancer_module modules/mod_proxy_balancer.so',
      'LoadModule proxy_module modules/mod_proxy.so',
      'LoadModule slotmem_shm_module modules/mod_slotmem_shm.so',
    ]);
  });

  it('changes nothing on the second run', async () => {
    host.apply((await host.plan(httpdBalancerOp, recipeArgs, ctxFor())).changes);
    const again = await host.plan(httpdBalancerOp, recipeArgs, ctxFor());
    expect(again.changes).toEqual([]);
    expect(again.okMessage).toBe('balancer://tomcats with 2 members already configured (source layout, /usr/local/apache2)');
  });

  it('rewrites only its own block when a member changes, keeping user edits around it', async () => {
    host.apply((await host.plan(httpdBalancerOp, recipeArgs, ctxFor())).changes);
    host.put(VHOSTS, `${host.read(VHOSTS)}\n# user's own line\n`);
    const moved = { ...recipeArgs, members: [recipeArgs.members[0]!, { ...recipeArgs.members[1]!, port: 8011 }] };
    const plan = await host.plan(httpdBalancerOp, moved, ctxFor());
    expect(plan.changes.map((c) => c.kind)).toEqual(['staged-check', 'write']);
    const [w] = writes(plan.changes);
    expect(changedLines(host.read(VHOSTS), w!.content.toString())).toEqual([
      '        BalancerMember "ajp://127.0.0.1:8011" route=tomcat2 retry=5 secret=s3cr3t-ajp',
    ]);
    expect(w!.content.toString()).toContain("# user's own line");
  });

  it('masks the AJP secret in the diff but writes it to the file', async () => {
    const plan = await host.plan(httpdBalancerOp, recipeArgs, ctxFor());
    const [vhosts] = writes(plan.changes);
    expect(vhosts!.content.toString()).toContain('secret=s3cr3t-ajp');
    expect(vhosts!.diff!.after).not.toContain('s3cr3t-ajp');
    expect(vhosts!.diff!.after).toContain('secret=********');
    expect(vhosts!.diff!.before).toBe(readFileSync(`${LAB_CONF}extra/httpd-vhosts.conf`, 'utf8'));
  });

  it('creates httpd-vhosts.conf with only its block when the file is missing', async () => {
    host.remove();
    host = new HostDir();
    host.copyIn(`${LAB_CONF}httpd.conf`, MAIN);
    const plan = await host.plan(httpdBalancerOp, { ...recipeArgs, listen: 8080, server_name: 'shop.example.com' }, ctxFor());
    const vhosts = writes(plan.changes).find((c) => c.path === VHOSTS)!;
    expect(vhosts.diff!.before).toBeNull();
    expect(vhosts.content.toString().split('\n').slice(0, 4)).toEqual([
      '# BEGIN provision balancer tomcats',
      'Listen 8080',
      '<VirtualHost *:8080>',
      '    ServerName shop.example.com',
    ]);
  });

  it('rejects duplicate routes before planning any change, naming host and members', async () => {
    const dup = { ...recipeArgs, members: [recipeArgs.members[0]!, { ...recipeArgs.members[1]!, route: 'tomcat1' }] };
    const err = await host.plan(httpdBalancerOp, dup, ctxFor('web1')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OperationError);
    expect((err as OperationError).message).toBe('route "tomcat1" is used by both 127.0.0.1:8009 and 127.0.0.1:8010');
    expect((err as OperationError).host).toBe('web1');
    expect((err as OperationError).hint).toMatch(/jvmRoute/);
  });

  it('appends a reload guarded by the config test when asked', async () => {
    const args = { ...recipeArgs, reload: true, apache_bin: '/usr/sbin/apache2' };
    const plan = await host.plan(httpdBalancerOp, args, ctxFor());
    const last = plan.changes.at(-1)!;
    expect(last.kind === 'service' && last.check).toBe('/usr/sbin/apache2 -d /usr/local/apache2 -f /usr/local/apache2/conf/httpd.conf -t');
    expect(last.kind === 'service' && last.service.reload).toBe(
      '/usr/sbin/apache2 -d /usr/local/apache2 -f /usr/local/apache2/conf/httpd.conf -k graceful',
    );
    host.apply(plan.changes.slice(0, -1));
    expect((await host.plan(httpdBalancerOp, args, ctxFor())).changes).toEqual([]);
  });
});
