import { describe, expect, it } from 'vitest';
import type { Change } from '../../../src/core/change.ts';
import { OperationError } from '../../../src/core/errors.ts';
import { copySpaceCommand, tomcatInstance, type TomcatInstanceArgs } from '../../../src/ops/tomcat/instance.ts';
import { shown } from '../shown.ts';
import { ctx, fixture, MapFacts } from './facts.ts';

const SERVER = fixture('server-10.1.xml');
const CATALINA = fixture('catalina.sh');
const ARGS: TomcatInstanceArgs = {
  source: '/opt/tomcat',
  dest: '/opt/tomcat2',
  ports: { offset: 1, shutdown: 8006 },
  ajp: { secret: 'S3cr3t' },
  jvmRoute: 'tomcat2',
  version: '10.1',
};

const SPACE = copySpaceCommand('/opt/tomcat', '/opt/tomcat2', '/opt');

/** Host state before the instance exists (`df`/`du` answer: KiB free where the copy goes, KiB to copy). */
function fresh(
  space = 'free=5000000\nneed=21000\n',
  dirs: Record<string, 'dir' | null> = { '/opt': 'dir', '/opt/tomcat': 'dir' },
): MapFacts {
  return new MapFacts(
    {
      ...dirs,
      '/opt/tomcat2': null,
      '/opt/tomcat/conf/server.xml': SERVER,
      '/opt/tomcat2/conf/server.xml': null,
      '/opt/tomcat/bin/catalina.sh': CATALINA,
      '/opt/tomcat2/bin/catalina.sh': null,
      '/opt/tomcat2/bin/setenv.sh': null,
      '/opt/tomcat/bin/setenv.sh': null,
    },
    { [SPACE]: space },
  );
}

/** Host state after applying `changes` on top of a copy of /opt/tomcat. */
function after(changes: Change[]): MapFacts {
  const written = Object.fromEntries(changes.flatMap((c) => (c.kind === 'write' ? [[c.path, c.content.toString('utf8')]] : [])));
  return new MapFacts(
    {
      '/opt': 'dir',
      '/opt/tomcat': 'dir',
      '/opt/tomcat2': 'dir',
      '/opt/tomcat/conf/server.xml': SERVER,
      '/opt/tomcat2/conf/server.xml': written['/opt/tomcat2/conf/server.xml'] ?? SERVER,
      '/opt/tomcat/bin/catalina.sh': CATALINA,
      '/opt/tomcat2/bin/catalina.sh': written['/opt/tomcat2/bin/catalina.sh'] ?? CATALINA,
      '/opt/tomcat2/bin/setenv.sh': null,
      '/opt/tomcat/bin/setenv.sh': null,
    },
    { [SPACE]: '' },
  );
}

describe('tomcat_instance', () => {
  it('declares the facts it reads (and the version command only when needed)', () => {
    expect(tomcatInstance.facts(ARGS, ctx())).toHaveLength(10);
    expect(tomcatInstance.facts({ ...ARGS, version: undefined }, ctx()).at(-1)).toMatchObject({ type: 'command' });
  });

  it('copies an absent instance and plans its files from the source', async () => {
    const plan = shown(tomcatInstance, ARGS, await tomcatInstance.plan(ARGS, fresh(), ctx()));
    expect(plan.changes.map((c) => c.kind)).toEqual(['copytree', 'mkdir', 'mkdir', 'mkdir', 'write', 'write']);
    expect(plan.changes[0]).toMatchObject({
      src: '/opt/tomcat',
      dest: '/opt/tomcat2',
      exclude: ['logs/*', 'work/*', 'temp/*', 'bin/tomcat.pid'],
    });
    const server = plan.changes[4]!;
    if (server.kind !== 'write') throw new Error('not a write');
    expect(server.path).toBe('/opt/tomcat2/conf/server.xml');
    expect(server.mode).toBe(0o644);
    expect(server.content.toString()).toBe(fixture('server-10.1.instance2.golden.xml'));
    // The diff shows the file as it was, but the value of every secret-bearing key is masked (a keystore password here).
    expect(server.diff?.before).toBe(SERVER.replace('certificateKeystorePassword="changeit"', 'certificateKeystorePassword="********"'));
    // The secret never reaches the diff the user sees.
    expect(server.diff?.after).toContain('secret="********"');
    expect(server.diff?.after).not.toContain('S3cr3t');
    const cat = plan.changes[5]!;
    expect(cat.kind === 'write' && cat.content.toString()).toBe(fixture('catalina.instance2.golden.sh'));
  });

  it('changes nothing on the second run, and never copies over an existing instance', async () => {
    const first = await tomcatInstance.plan(ARGS, fresh(), ctx());
    const second = await tomcatInstance.plan(ARGS, after(first.changes), ctx());
    expect(second.changes).toEqual([]);
    expect(second.okMessage).toMatch(/\/opt\/tomcat2 exists/);
  });

  it('refuses a copy that would reuse the source ports, and a missing server.xml', async () => {
    const noPorts = { ...ARGS, ports: undefined };
    await expect(async () => tomcatInstance.plan(noPorts, fresh(), ctx())).rejects.toThrow(/same ports/);
    const facts = new MapFacts(
      {
        '/opt': 'dir',
        '/opt/tomcat': 'dir',
        '/opt/tomcat2': null,
        '/opt/tomcat/conf/server.xml': null,
        '/opt/tomcat2/conf/server.xml': null,
        '/opt/tomcat/bin/catalina.sh': null,
        '/opt/tomcat2/bin/catalina.sh': null,
        '/opt/tomcat2/bin/setenv.sh': null,
        '/opt/tomcat/bin/setenv.sh': null,
      },
      { [SPACE]: 'free=5000000\nneed=21000\n' },
    );
    const err = await (async () => tomcatInstance.plan(ARGS, facts, ctx()))().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OperationError);
    expect((err as OperationError).message).toMatch(/\/opt\/tomcat\/conf\/server\.xml .* missing on web1/);
  });

  it('checks while planning that the copy can be made: its parent, its source, the space it needs', async () => {
    const planErr = (args: TomcatInstanceArgs, facts: MapFacts): Promise<OperationError> =>
      (async () => tomcatInstance.plan(args, facts, ctx()))().then(
        () => {
          throw new Error('planned, not refused');
        },
        (e: unknown) => e as OperationError,
      );
    // A stray `;` makes a path whose parent does not exist: refused before tomcat1's server.xml is touched.
    const odd = { ...ARGS, dest: '/opt/tomcat2; touch /tmp/x' };
    const oddFacts = new MapFacts(
      {
        '/opt/tomcat': 'dir',
        '/opt/tomcat2; touch /tmp': null,
        '/opt/tomcat2; touch /tmp/x': null,
        '/opt/tomcat/conf/server.xml': SERVER,
        '/opt/tomcat2; touch /tmp/x/conf/server.xml': null,
        '/opt/tomcat/bin/catalina.sh': CATALINA,
        '/opt/tomcat2; touch /tmp/x/bin/catalina.sh': null,
        '/opt/tomcat2; touch /tmp/x/bin/setenv.sh': null,
        '/opt/tomcat/bin/setenv.sh': null,
      },
      { [copySpaceCommand('/opt/tomcat', odd.dest, '/opt/tomcat2; touch /tmp')]: '' },
    );
    const e1 = await planErr(odd, oddFacts);
    expect(e1).toBeInstanceOf(OperationError);
    expect(e1.message).toBe(
      'cannot create /opt/tomcat2; touch /tmp/x on web1: its parent directory /opt/tomcat2; touch /tmp does not exist',
    );
    expect(e1.hint).toMatch(/stray character such as ; or \$/);
    const e2 = await planErr(ARGS, fresh('free=10240\nneed=21000\n'));
    expect(e2.message).toBe('not enough space in /opt on web1 to copy /opt/tomcat: needs 21 MiB, 10 MiB free');
    const e3 = await planErr(ARGS, fresh(undefined, { '/opt': 'dir', '/opt/tomcat': null }));
    expect(e3.message).toBe('the Tomcat to copy, /opt/tomcat, is not a directory on web1');
  });

  it('configures the source in place (tomcat1: AJP and jvmRoute, no copy, no env)', async () => {
    const args: TomcatInstanceArgs = { source: '/opt/tomcat', ajp: { secret: 'S3cr3t' }, jvmRoute: 'tomcat1', version: '10.1' };
    const facts = new MapFacts({
      '/opt/tomcat': 'dir',
      '/opt/tomcat/conf/server.xml': SERVER,
      '/opt/tomcat/bin/catalina.sh': CATALINA,
      '/opt/tomcat/bin/setenv.sh': null,
    });
    const plan = await tomcatInstance.plan(args, facts, ctx());
    expect(plan.changes.map((c) => c.kind)).toEqual(['write']);
    const text = plan.changes[0]!.kind === 'write' ? plan.changes[0]!.content.toString() : '';
    expect(text).toMatch(/port="8009"[\s\S]*secret="S3cr3t"[\s\S]*jvmRoute="tomcat1"/);
    expect(text).toContain('<Connector port="8080" protocol="HTTP/1.1"');
  });
});
