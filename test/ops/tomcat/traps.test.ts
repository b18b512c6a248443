/**
 * The traps of real clusters, planned from fixtures: an own <Manager> in a context, applications
 * that are not distributable, Tomcat majors mixed in a cluster, DeltaManager past 4 members, and
 * instances left with different WARs.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import type { OperationError } from '../../../src/core/errors.ts';
import type { PlannedOnHost } from '../../../src/ops/types.ts';
import { tomcatCluster, type TomcatClusterArgs } from '../../../src/ops/tomcat/cluster-op.ts';
import { HOSTNAME_ADDRESS } from '../../../src/ops/tomcat/loopback-trap.ts';
import { ownManager } from '../../../src/ops/tomcat/manager-trap.ts';
import { versionCommand } from '../../../src/ops/tomcat/version.ts';
import { war, type WarArgs } from '../../../src/ops/tomcat/war.ts';
import { explodedApps, explodedAppsRequest } from '../../../src/ops/tomcat/webapps-fact.ts';
import { ctx, fixture, MapFacts, noContextFiles } from './facts.ts';

/** Debian's conf/context.xml as tomcat10 installs it: the <Manager> commented out. */
const CONTEXT = fixture('context.xml');
/** The same with the <Manager> uncommented, as people do (now line 28). */
const CONTEXT_ON = CONTEXT.replace(/<!--\s*(<Manager pathname="SESSIONS.ser" \/>)\s*-->/, '$1');
const SERVER = fixture('server-10.1.xml');
const HOMES = ['/opt/tomcat', '/opt/tomcat2'];
const INSTANCES = [
  { home: '/opt/tomcat', jvmRoute: 'tomcat1' },
  { home: '/opt/tomcat2', jvmRoute: 'tomcat2' },
];
const enc = (s: string) => new TextEncoder().encode(s);
const WEB = '<?xml version="1.0"?>\n<web-app version="4.0">\n  <display-name>a</display-name>\n</web-app>\n';
const DIST = WEB.replace('</display-name>', '</display-name>\n  <distributable/>');

/** What the real hand-deployed listing prints for these applications (the command run by sh on a temp webapps/). */
function listing(apps: Record<string, Record<string, string>>, wars: string[] = []): string {
  const home = mkdtempSync(join(tmpdir(), 'pv-webapps-'));
  for (const [app, files] of Object.entries(apps)) {
    for (const [f, text] of Object.entries(files)) {
      mkdirSync(join(home, 'webapps', app, f, '..'), { recursive: true });
      writeFileSync(join(home, 'webapps', app, f), text);
    }
  }
  mkdirSync(join(home, 'webapps'), { recursive: true });
  for (const w of wars) writeFileSync(join(home, 'webapps', w), 'PK');
  const out = execFileSync('sh', ['-c', explodedAppsRequest(home).command]).toString();
  return out.replaceAll(home, '/opt/tomcat');
}

function clusterFacts(o: { context?: string; apps?: string; version?: string } = {}) {
  return new MapFacts(
    {
      '/opt/tomcat/conf/server.xml': SERVER,
      '/opt/tomcat2/conf/server.xml': fixture('server-10.1.instance2.golden.xml'),
      ...noContextFiles(HOMES),
      ...(o.context ? { '/opt/tomcat/conf/context.xml': o.context, '/opt/tomcat2/conf/context.xml': CONTEXT } : {}),
    },
    {
      [HOSTNAME_ADDRESS]: 'web1 10.0.0.11',
      [explodedAppsRequest('/opt/tomcat').command]: o.apps ?? '',
      [explodedAppsRequest('/opt/tomcat2').command]: '',
      [versionCommand('/opt/tomcat')]: o.version ?? 'server.number=10.1.60.0\n',
      // A copy not made yet: its home does not answer.
      [versionCommand('/opt/tomcat2')]: '',
    },
  );
}
const planCluster = (f: MapFacts, args: TomcatClusterArgs = {}, c = ctx('web1', { tomcat_instances: INSTANCES })) =>
  (async () => tomcatCluster.plan(args, f, c))();

describe('trap: an own <Manager> in a context turns replication off', () => {
  it('finds it only when uncommented, with its line', () => {
    expect(ownManager(CONTEXT, 'context.xml')).toBeNull();
    expect(ownManager(CONTEXT_ON, '/opt/tomcat/conf/context.xml')).toEqual({
      file: '/opt/tomcat/conf/context.xml',
      line: 28,
      className: 'org.apache.catalina.session.StandardManager',
    });
  });

  it('tomcat_cluster refuses conf/context.xml with <Manager>: host, file:line, what to do', async () => {
    expect((await planCluster(clusterFacts({ context: CONTEXT }))).changes).toHaveLength(2);
    const err = (await planCluster(clusterFacts({ context: CONTEXT_ON })).catch((e) => e)) as OperationError;
    expect(err.message).toBe(
      '/opt/tomcat/conf/context.xml:28 on web1: <Manager className="StandardManager"> in the Context of every application of ' +
        "/opt/tomcat: Tomcat uses it instead of the cluster's manager, so sessions there are not replicated",
    );
    expect(err.hint).toMatch(/^remove the <Manager> element .*set the manager in the cluster settings instead/);
    expect(err.pos).toEqual({ file: '/opt/tomcat/conf/context.xml', line: 28, column: 1 });
  });

  const dir = mkdtempSync(join(tmpdir(), 'pv-war-trap-'));
  const META = '<?xml version="1.0"?>\n<Context>\n  <Manager className="org.apache.catalina.session.PersistentManager"/>\n</Context>\n';
  writeFileSync(join(dir, 'own.war'), zipSync({ 'META-INF/context.xml': enc(META), 'WEB-INF/web.xml': enc(DIST) }));
  writeFileSync(join(dir, 'plain.war'), zipSync({ 'WEB-INF/web.xml': enc(WEB) }));
  const c = { ...ctx('web1', { tomcat_instances: HOMES.map((home) => ({ home })) }), baseDir: dir };
  const warFacts = (app: string, extra: Record<string, string> = {}) =>
    new MapFacts({ ...Object.fromEntries(HOMES.map((h) => [`${h}/webapps/${app}.war`, null])), ...noContextFiles(HOMES, app), ...extra });

  it("war refuses the WAR's META-INF/context.xml with <Manager>, unless ownManager says it is meant", async () => {
    const err = (await (async () => war.plan({ src: 'own.war' }, warFacts('own'), c))().catch((e) => e)) as OperationError;
    expect(err.message).toMatch(/own\.war!\/META-INF\/context\.xml:3 on web1: <Manager className="PersistentManager"> in the Context of/);
    expect(err.hint).toMatch(/ownManager: true/);
    const p = await war.plan({ src: 'own.war', ownManager: true }, warFacts('own'), c);
    expect(p.changes.filter((x) => x.kind === 'write')).toHaveLength(2);
    expect(p.warnings).toEqual([expect.stringMatching(/META-INF\/context\.xml:3 on web1: .*\(kept: ownManager is true\)$/)]);
  });

  it('war refuses conf/Catalina/localhost/<app>.xml with <Manager>', async () => {
    const f = warFacts('plain', { '/opt/tomcat2/conf/Catalina/localhost/plain.xml': '<Context>\n<Manager/>\n</Context>\n' });
    await expect(war.plan({ src: 'plain.war' }, f, c)).rejects.toThrow(
      /^\/opt\/tomcat2\/conf\/Catalina\/localhost\/plain\.xml:2 on web1: /,
    );
  });
});

describe('trap: an application that is not distributable after all', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pv-war-dist-'));
  writeFileSync(join(dir, 'plain.war'), zipSync({ 'WEB-INF/web.xml': enc(WEB) }));
  writeFileSync(join(dir, 'dist.war'), zipSync({ 'WEB-INF/web.xml': enc(DIST) }));
  const c = { ...ctx('web1', { tomcat_instances: [{ home: '/opt/tomcat' }] }), baseDir: dir };
  const f = (app: string) => new MapFacts({ [`/opt/tomcat/webapps/${app}.war`]: null, ...noContextFiles(['/opt/tomcat'], app) });

  it('war with distributable: false warns when the web.xml lacks <distributable/>', async () => {
    const p = await war.plan({ src: 'plain.war', distributable: false } as WarArgs, f('plain'), c);
    expect(p.warnings).toEqual([
      expect.stringMatching(
        /plain\.war!\/WEB-INF\/web\.xml \(deployed to web1\) is not distributable: its web\.xml has no <distributable\/>/,
      ),
    ]);
    expect((await war.plan({ src: 'dist.war', distributable: false }, f('dist'), c)).warnings).toEqual([]);
    // Left to provision (the default), it adds <distributable/>: nothing to warn about.
    expect((await war.plan({ src: 'plain.war' }, f('plain'), c)).warnings).toEqual([]);
  });

  it('tomcat_cluster warns about a hand-deployed app without <distributable/>, not a WAR expansion or Tomcat’s own', async () => {
    const apps = listing(
      {
        shop: { 'WEB-INF/web.xml': WEB, 'META-INF/context.xml': '<Context>\n  <Manager pathname=""/>\n</Context>\n' },
        billing: { 'WEB-INF/web.xml': DIST },
        counter: { 'WEB-INF/web.xml': WEB },
        examples: { 'WEB-INF/web.xml': WEB },
        ROOT: { 'index.html': 'hi' },
      },
      ['counter.war'],
    );
    expect(
      explodedApps('/opt/tomcat', new MapFacts({}, { [explodedAppsRequest('/opt/tomcat').command]: apps }))
        .map((a) => a.name)
        .sort(),
    ).toEqual(['ROOT', 'billing', 'examples', 'shop']);
    const p = await planCluster(clusterFacts({ apps }));
    expect(p.warnings).toEqual([
      expect.stringMatching(
        /^\/opt\/tomcat\/webapps\/shop\/WEB-INF\/web\.xml on web1: shop \(deployed by hand: no shop\.war beside it\) is not distributable/,
      ),
      expect.stringMatching(
        /^\/opt\/tomcat\/webapps\/shop\/META-INF\/context\.xml:2 on web1: shop \(deployed by hand\) has its own <Manager/,
      ),
    ]);
  });
});

/** tomcat_cluster planned on `n` hosts of one instance each; `versions[i]` is what host i's Tomcat reports. */
function clusterHosts(versions: string[], cluster: TomcatClusterArgs['cluster'] = {}): PlannedOnHost<TomcatClusterArgs>[] {
  return versions.map((v, i) => ({
    args: { cluster },
    ctx: ctx(`web${i + 1}`, { tomcat_instances: [{ home: '/opt/tomcat', jvmRoute: `tomcat${i + 1}` }] }),
    facts: new MapFacts({}, { [versionCommand('/opt/tomcat')]: v }),
  }));
}

describe('traps across the hosts of a cluster', () => {
  // What this machine's Tomcat 10.1 answers (the fact run for real), and a Tomcat 9's catalina.jar (ServerInfo.properties).
  const t10 = execFileSync('sh', ['-c', versionCommand('/usr/share/tomcat10')]).toString();
  const t9 = 'server.info=Apache Tomcat/9.0.31\nserver.number=9.0.31.0\n';

  it('refuses Tomcat majors mixed in one cluster (javax vs jakarta), naming each instance', () => {
    expect(() => tomcatCluster.acrossHosts!(clusterHosts([t10, t10]))).not.toThrow();
    let err: OperationError | undefined;
    try {
      tomcatCluster.acrossHosts!(clusterHosts([t10, t9, t10]));
    } catch (e) {
      err = e as OperationError;
    }
    expect(err?.message).toBe(
      'the multicast cluster 228.0.0.4:45564 mixes Tomcat majors: Tomcat 9 on web2:/opt/tomcat (9.0.31); ' +
        'Tomcat 10 on web1:/opt/tomcat (10.1.60), web3:/opt/tomcat (10.1.60) (9: javax.servlet, 10: jakarta.servlet): ' +
        'one application cannot run on both, and sessions do not replicate between different majors',
    );
    expect(err?.hint).toMatch(/one Tomcat major on every instance/);
    // Two clusters (another multicast port) may run different majors.
    const two = [...clusterHosts([t10]), ...clusterHosts([t9], { membership: { port: 45565 } })];
    expect(() => tomcatCluster.acrossHosts!(two)).not.toThrow();
  });

  it('warns about DeltaManager past 4 members, suggesting BackupManager', () => {
    expect(tomcatCluster.acrossHosts!(clusterHosts([t10, t10, t10, t10]))).toEqual([]);
    expect(tomcatCluster.acrossHosts!(clusterHosts([t10, t10, t10, t10, t10]))).toEqual([
      expect.stringMatching(/^the multicast cluster 228\.0\.0\.4:45564 has 5 members with DeltaManager, .*set manager: BackupManager/),
    ]);
    expect(tomcatCluster.acrossHosts!(clusterHosts([t10, t10, t10, t10, t10], { manager: 'BackupManager' }))).toEqual([]);
  });

  it('warns when the instances end the run with different WARs, naming them', () => {
    const hosts = (sums: Array<string | null>[]): PlannedOnHost<WarArgs>[] =>
      sums.map((s, i) => ({
        args: { src: 'counter.war' },
        ctx: ctx(`web${i + 1}`, { tomcat_instances: HOMES.map((home) => ({ home })) }),
        facts: new MapFacts(Object.fromEntries(HOMES.map((h, j) => [`${h}/webapps/counter.war`, s[j]!]))),
      }));
    expect(
      war.acrossHosts!(
        hosts([
          ['v2', 'v2'],
          ['v2', 'v2'],
        ]),
      ),
    ).toEqual([]);
    const [w] = war.acrossHosts!(
      hosts([
        ['v2', 'v2'],
        ['v1', null],
      ]),
    );
    const sum = (s: string) => `sha256 ${createHash('sha256').update(s).digest('hex').slice(0, 12)}`;
    expect(w).toMatch(/^counter\.war differs between the cluster's instances and this run does not make them equal: /);
    expect(w).toContain(
      `web1:/opt/tomcat, web1:/opt/tomcat2 (${sum('v2')}); web2:/opt/tomcat (${sum('v1')}); web2:/opt/tomcat2 (no WAR). `,
    );
    // A loop deploying two applications: each is compared with itself only.
    const two = (['counter.war', 'shop.war'] as const).flatMap((name) =>
      [1, 2].map((n) => ({
        args: { src: name },
        ctx: ctx(`web${n}`, { tomcat_instances: [{ home: '/opt/tomcat' }] }),
        facts: new MapFacts({ [`/opt/tomcat/webapps/${name}`]: name }),
      })),
    );
    expect(war.acrossHosts!(two)).toEqual([]);
  });
});
