/**
 * Traps of real clusters on a lab host, through the CLI: an own <Manager> (conf/context.xml with its
 * <Manager> uncommented, the application's META-INF/context.xml) is refused before any change,
 * naming host, file:line and what to do; DeltaManager past 4 members and a hand-deployed
 * application that is not distributable are warned about, in the output and in --json.
 */
import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { useLab } from '../helpers/lab.ts';
import { checksums, cli, inventoryWith } from '../helpers/recipe.ts';

const COUNTER = new URL('../../examples/counter-app', import.meta.url).pathname;
const lab = useLab({ profile: 'recipe', services: false });
const host = () => lab.hosts[0]!;
let dir: string;
let pristine: string;

/** The lab inventory with some host variables set. */
const inventory = (hostVars: Record<string, unknown>): string => inventoryWith(lab, host(), dir, hostVars);

/** `n` instances on the host: the existing Tomcat and n-1 copies of it. */
const instances = (n: number) => ({
  tomcat_instances: Array.from({ length: n }, (_, i) => ({
    home: i ? `/opt/tomcat${i + 1}` : '/opt/tomcat',
    ...(i ? { source: '/opt/tomcat' } : {}),
    jvmRoute: `tomcat${i + 1}`,
    ports: { shutdown: 8105 + i, http: 8080 + i, redirect: 8443 + i, ajp: 8009 + i },
    receiverPort: 4000 + i,
  })),
});

/** Refused before any change: non-zero, the plan failed, nothing on the host differs from `before`. */
async function refused(args: string[], before: string) {
  const r = await cli(args);
  expect(r.code, r.out).toBe(2);
  expect(r.out).toContain('the plan failed on at least one host: nothing was changed on any host');
  expect(await checksums(lab, host())).toBe(before);
  expect((await lab.exec(host(), 'test -e /opt/tomcat2 || test -e /var/lib/provision/runs')).code).toBe(1);
  return r;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'pv-traps-'));
  pristine = await checksums(lab, host());
});

describe('traps caught before any change', () => {
  it('conf/context.xml with its <Manager> uncommented: refused naming host, file:line and the fix', async () => {
    // What people do to Tomcat's shipped context.xml: the <Manager> uncommented (it was on line 29, inside <!-- -->).
    const sed = `perl -0pi -e 's/<!--\\s*(<Manager pathname="SESSIONS.ser" \\/>)\\s*-->/$1/' /opt/tomcat/conf/context.xml`;
    expect((await lab.exec(host(), `cp -a /opt/tomcat/conf/context.xml /root/context.xml.good && ${sed}`)).code).toBe(0);
    expect((await lab.exec(host(), 'grep -n "^ *<Manager" /opt/tomcat/conf/context.xml')).stdout.trim()).toBe(
      '28:    <Manager pathname="SESSIONS.ser" />',
    );
    const before = await checksums(lab, host());
    try {
      const r = await refused(['-i', lab.info.inventoryPath], before);
      expect(r.out).toContain(
        `fatal: [${host()}]: FAILED! => /opt/tomcat/conf/context.xml:28 on ${host()}: <Manager className="StandardManager"> ` +
          'in the Context of every application of /opt/tomcat: ' +
          "Tomcat uses it instead of the cluster's manager, so sessions there are not replicated",
      );
      expect(r.out).toMatch(/hint: remove the <Manager> element \(or comment it out\).*set the manager in the cluster settings instead/);
      const j = await cli(['-i', lab.info.inventoryPath, '--json']);
      expect(j.code).toBe(2);
      const results = (j.json!.plays as { tasks: { task: string; results: { status: string; message: string }[] }[] }[])[0]!.tasks.find(
        (t) => t.task === 'session replication cluster and jvmRoute',
      )!.results;
      expect(results).toEqual([expect.objectContaining({ status: 'failed', message: expect.stringMatching(/context\.xml:28 on /) })]);
    } finally {
      await lab.exec(host(), 'mv /root/context.xml.good /opt/tomcat/conf/context.xml');
    }
    expect(await checksums(lab, host())).toBe(pristine);
  });

  it("the application's own <Manager> in its META-INF/context.xml: refused, naming the file inside the app", async () => {
    const app = join(dir, 'counter-app');
    cpSync(COUNTER, app, { recursive: true });
    mkdirSync(join(app, 'META-INF'));
    writeFileSync(
      join(app, 'META-INF/context.xml'),
      '<?xml version="1.0"?>\n<Context>\n  <Manager className="org.apache.catalina.session.PersistentManager"/>\n</Context>\n',
    );
    const r = await refused(['-i', lab.info.inventoryPath, '-e', `app_src=${app}`], pristine);
    expect(r.out).toContain(`${app}!/META-INF/context.xml:3 on ${host()}: <Manager className="PersistentManager"> in the Context of`);
    expect(r.out).toMatch(/hint: remove the <Manager> element.*give the war task ownManager: true \(the recipe: -e app_own_manager=true\)/);
    // Meant (sessions kept elsewhere): the operator says so, and it is a warning.
    const meant = await cli(['-i', lab.info.inventoryPath, '-e', `app_src=${app}`, '-e', 'app_own_manager=true', '--check']);
    expect(meant.code, meant.out).toBe(0);
    expect(meant.out).toMatch(
      /\[WARNING\] .*META-INF\/context\.xml:3 on \S+: <Manager className="PersistentManager">.*\(kept: ownManager is true\)/,
    );
  });

  it('--check warns about DeltaManager with 5 members and a hand-deployed application without <distributable/>', async () => {
    await lab.exec(
      host(),
      'mkdir -p /opt/tomcat/webapps/shop/WEB-INF && ' +
        'printf \'<?xml version="1.0"?>\\n<web-app version="4.0"/>\\n\' > /opt/tomcat/webapps/shop/WEB-INF/web.xml',
    );
    try {
      const inv = inventory(instances(5));
      const r = await cli(['-i', inv, '--check']);
      expect(r.code, r.out).toBe(0);
      const delta =
        /\[WARNING\] the multicast cluster 228\.0\.0\.4:45564 has 5 members with DeltaManager, .*-e cluster_manager=BackupManager/;
      const shop = new RegExp(
        `\\[${host()}\\] \\[WARNING\\] /opt/tomcat/webapps/shop/WEB-INF/web\\.xml on ${host()}: ` +
          'shop \\(deployed by hand: no shop\\.war beside it\\) is not distributable',
      );
      expect(r.out).toMatch(delta);
      expect(r.out).toMatch(shop);
      const j = await cli(['-i', inv, '--check', '--json']);
      const messages = (j.json as unknown as { messages: { host?: string; message: string }[] }).messages;
      expect(messages).toEqual(
        expect.arrayContaining([
          { message: expect.stringMatching(/^\[WARNING\] the multicast cluster .* has 5 members with DeltaManager/) },
          { host: host(), message: expect.stringMatching(/^\[WARNING\] \/opt\/tomcat\/webapps\/shop\/WEB-INF\/web\.xml on /) },
        ]),
      );
      // BackupManager: no warning about the size.
      const backup = await cli(['-i', inv, '--check', '-e', 'cluster_manager=BackupManager']);
      expect(backup.code, backup.out).toBe(0);
      expect(backup.out).not.toMatch(/members with DeltaManager/);
    } finally {
      await lab.exec(host(), 'rm -rf /opt/tomcat/webapps/shop');
    }
    expect(await checksums(lab, host())).toBe(pristine);
  });
});
