/**
 * Issue 14's acceptance, against the real tool: bench/ansible/tomcat-cluster.yml, unchanged, run by
 * `provision` on one host and by `ansible-playbook` (bench/ansible/ansible.cfg) on its twin, each
 * named by an INI inventory. First as the bench runs it (manage_services=false, ROOT.war) on fresh
 * hosts with nothing started: both hosts end the same (each server.xml as canonical XML, the Apache
 * config, the firewall ports, the WAR, every other file byte for byte); provision's rerun changes
 * nothing and its rollback restores every byte. Then with manage_services=true on the recipe's box
 * (Apache and a Tomcat running), each twin in a lab of its own (a lab is one bridge: multicast
 * membership would join the twins' Tomcats into one cluster): the same files again, and on both
 * a session kept through Apache survives the stop of the Tomcat that held it.
 */
import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { quote } from '../../src/core/quote.ts';
import { buildCounterWar } from '../../src/ops/tomcat/build-counter.ts';
import { ansibleFor, anonymous, canonicalXml, fileText, REPO, writeIni, type AnsibleRun } from '../helpers/ansible.ts';
import { useLab, type TestLab } from '../helpers/lab.ts';
import { checksums, cli, CounterClient, TREES, type CliResult } from '../helpers/recipe.ts';

const PLAYBOOK = join(REPO, 'bench/ansible/tomcat-cluster.yml');
// What bench/lib/scenarios.ts passes to both tools for the recipe (its SECRET, its counter WAR).
const BENCH_SECRET = 'bench-secret-1';
const HOMES = ['/opt/tomcat', '/opt/tomcat2'];
const APACHE = ['/usr/local/apache2/conf/httpd.conf', '/usr/local/apache2/conf/extra/httpd-vhosts.conf'];
// A test that runs both tools in full (Tomcat restarts and waits included) on a busy 2-core machine; each run has its own bound.
const RUNS_MS = 300_000;

// The bench's hosts: nothing started. Twins in one lab (no Tomcat runs, so no multicast).
const fresh = useLab({ profile: 'scale', hosts: 2, services: false });
// The recipe's box, Apache and Tomcat running: one lab per twin.
const boxA = useLab({ profile: 'recipe', hosts: 1 });
const boxB = useLab({ profile: 'recipe', hosts: 1 });

let dir = '';
let war = '';
const stops: (() => Promise<void>)[] = [];
const sleep = (ms: number) => new Promise<void>((ok) => setTimeout(ok, ms));
const vars = (manage: boolean, app: string) => [
  ...['-e', `manage_services=${manage}`, '-e', `tomcat_ajp_secret=${BENCH_SECRET}`],
  ...['-e', `app_src=${war}`, '-e', `app_name=${app}`],
];

beforeAll(() => {
  // The playbook's group_vars beside each inventory, as a user keeps them.
  dir = mkdtempSync(join(tmpdir(), 'pv-twin-'));
  cpSync(join(REPO, 'bench/ansible/group_vars'), join(dir, 'group_vars'), { recursive: true });
  war = join(dir, 'counter.war');
  buildCounterWar(war);
});
afterAll(async () => {
  for (const stop of stops) await stop();
  rmSync(dir, { recursive: true, force: true });
});

/** Both tools at once: provision on (labA, a), ansible-playbook on (labB, b), each with its own INI file. */
async function twinRuns(labA: TestLab, a: string, labB: TestLab, b: string, extra: string[]) {
  const iniA = writeIni(labA, a, join(dir, `${a}.ini`));
  const iniB = writeIni(labB, b, join(dir, `${b}.ini`));
  const ansible = ansibleFor(labB, mkdtempSync(join(dir, 'ansible-')));
  stops.push(ansible.stop);
  const [p, q] = await Promise.all([cli(['-i', iniA, PLAYBOOK, '--json', ...extra]), ansible.run(['-i', iniB, PLAYBOOK, ...extra])]);
  return { iniA, provision: p, ansible: q };
}

/** The recap of each tool on its host: the task counts both print. */
function expectSameRecap(p: CliResult, a: string, q: AnsibleRun, b: string): void {
  expect(p.code, p.out).toBe(0);
  expect(q.code, q.out).toBe(0);
  const { ok, changed, failed, skipped } = p.json!.recap[a] as unknown as AnsibleRun['recap'][string];
  expect({ ok, changed, failed, skipped }).toEqual(q.recap[b]);
}

/** What a user compares on a host after the run, with the host's own name and address replaced. */
async function userView(lab: TestLab, host: string, app: string): Promise<Record<string, string>> {
  const view: Record<string, string> = {};
  for (const home of HOMES) {
    view[`${home}/conf/server.xml (canonical)`] = anonymous(
      lab,
      host,
      await canonicalXml(await fileText(lab, host, `${home}/conf/server.xml`)),
    );
    const sum = await lab.exec(host, `sha256sum ${quote(`${home}/webapps/${app}`)}`);
    view[`${home}/webapps/${app} sha256`] = sum.stdout.split(' ')[0]!;
  }
  for (const f of APACHE) view[f] = anonymous(lab, host, await fileText(lab, host, f));
  for (const p of ['', '--permanent ']) {
    const r = await lab.exec(host, `firewall-cmd ${p}--list-ports`);
    view[`firewall-cmd ${p}--list-ports`] = r.stdout.trim().split(/\s+/).sort().join(' ');
  }
  return view;
}

/** Every other file of the trees a run touches (server.xml aside): mode, owner, group, sha256. */
async function otherFiles(lab: TestLab, host: string): Promise<string> {
  const modes = await lab.exec(
    host,
    `find ${TREES} -not -path '*/logs/*' -not -path '*/work/*' -not -path '*/temp/*' -printf '%M %u %g %p\\n' | sort -k4`,
  );
  const sums = (await checksums(lab, host)).split('\n').filter((l) => !l.endsWith('/conf/server.xml'));
  return anonymous(lab, host, `${modes.stdout}\n${sums.join('\n')}`);
}

describe('bench/ansible/tomcat-cluster.yml as the bench runs it: provision and ansible-playbook on twin fresh hosts', () => {
  let a = '';
  let b = '';
  let iniA = '';
  let pristine = '';

  it(
    'both tools run it unchanged from an INI inventory: exit 0, the same recap (ok, changed, failed, skipped)',
    async () => {
      [a, b] = fresh.hosts as [string, string];
      pristine = await checksums(fresh, a);
      expect(await otherFiles(fresh, a)).toBe(await otherFiles(fresh, b));
      const r = await twinRuns(fresh, a, fresh, b, vars(false, 'ROOT.war'));
      iniA = r.iniA;
      expectSameRecap(r.provision, a, r.ansible, b);
      expect(r.provision.json!.recap[a]!.changed).toBe(15);
    },
    RUNS_MS,
  );

  it('the twins end the same: server.xml (canonical XML), Apache config, firewall ports, WAR, every other file', async () => {
    const view = await userView(fresh, a, 'ROOT.war');
    expect(view).toEqual(await userView(fresh, b, 'ROOT.war'));
    // What the comparison covers: the playbook's edits are there.
    expect(view['/opt/tomcat2/conf/server.xml (canonical)']).toContain('<Receiver address="<ADDRESS>"');
    expect(view['/opt/tomcat/conf/server.xml (canonical)']).toContain(`secret="${BENCH_SECRET}"`);
    expect(view['/usr/local/apache2/conf/extra/httpd-vhosts.conf']).toContain('BalancerMember "ajp://127.0.0.1:8010" route=tomcat2');
    expect(view['firewall-cmd --permanent --list-ports']).toBe('4000/tcp 4001/tcp 45564/tcp 45564/udp 80/tcp');
    expect(view['/opt/tomcat/webapps/ROOT.war sha256']).toBe(createHash('sha256').update(readFileSync(war)).digest('hex'));
    expect(await otherFiles(fresh, a)).toBe(await otherFiles(fresh, b));
  });

  it('provision’s rerun reports changed=0 and changes no byte', async () => {
    const before = await checksums(fresh, a);
    const r = await cli(['-i', iniA, PLAYBOOK, '--json', ...vars(false, 'ROOT.war')]);
    expect(r.code, r.out).toBe(0);
    expect(r.json!.recap[a]).toMatchObject({ changed: 0, failed: 0 });
    expect(await checksums(fresh, a)).toBe(before);
  });

  it('provision rollback restores every byte', async () => {
    const history = (await cli(['history', '-i', iniA, '--json'])).json as unknown as { hosts: Record<string, { runs: { id: string }[] }> };
    const first = history.hosts[a]!.runs.map((x) => x.id).sort()[0]!;
    // The first run and every later one (the rerun), newest first.
    const r = await cli(['rollback', '-i', iniA, '--run', first]);
    expect(r.code, r.out).toBe(0);
    expect(await checksums(fresh, a)).toBe(pristine);
    expect((await fresh.exec(a, 'test -e /opt/tomcat2')).code).toBe(1);
    expect((await fresh.exec(a, 'firewall-cmd --list-ports; firewall-cmd --permanent --list-ports')).stdout.trim()).toBe('');
  });
});

/** Until each of the host's Tomcats answers /counter/ and has seen a cluster member since it started; false after ~2 minutes. */
async function clustered(lab: TestLab, host: string): Promise<boolean> {
  const script = HOMES.map((home, i) => {
    const log = quote(`${home}/logs/catalina.out`);
    return (
      `[ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 http://127.0.0.1:${8080 + i}/counter/)" = 200 ] || exit 1; ` +
      `n=$(grep -n 'Starting service \\[' ${log} | tail -1 | cut -d: -f1); ` +
      `tail -n +"\${n:-1}" ${log} | grep -q memberAdded || exit 1`
    );
  }).join('\n');
  for (let i = 0; i < 120; i++) {
    if ((await lab.exec(host, script)).code === 0) return true;
    await sleep(1000);
  }
  return false;
}

/** A session made through Apache, its Tomcat stopped: the next request, on the other Tomcat, continues the count. */
async function sessionSurvives(lab: TestLab, host: string): Promise<string[]> {
  const ip = lab.info.hosts.find((h) => h.name === host)!.ip;
  const client = new CounterClient(`http://${ip}/counter/`);
  const seen = [await client.hit(), await client.hit(), await client.hit()];
  const route = seen[0]!.route;
  const home = HOMES[['tomcat1', 'tomcat2'].indexOf(route)];
  expect(home, `route ${route}`).toBeDefined();
  const pattern = quote(`-Dcatalina[.]base=${home} `);
  await lab.exec(
    host,
    `${home}/bin/shutdown.sh >/dev/null 2>&1; for i in $(seq 60); do pgrep -f -- ${pattern} >/dev/null || exit 0; sleep 0.5; done`,
  );
  expect((await lab.exec(host, `pgrep -f -- ${pattern}`)).code, `${route} stopped`).toBe(1);
  seen.push(await client.hit());
  return seen.map(
    (c) => `${c.count} ${c.route === route ? 'first' : 'other'} ${c.sessionId.split('.')[0] === seen[0]!.sessionId.split('.')[0]}`,
  );
}

describe('with manage_services=true on the recipe’s box: the twins serve, and a session survives its Tomcat', () => {
  let a = '';
  let b = '';

  it(
    'both tools: exit 0, the same counts; the same files on both hosts',
    async () => {
      [a] = boxA.hosts as [string];
      [b] = boxB.hosts as [string];
      const r = await twinRuns(boxA, a, boxB, b, vars(true, 'counter.war'));
      expectSameRecap(r.provision, a, r.ansible, b);
      expect(await userView(boxA, a, 'counter.war')).toEqual(await userView(boxB, b, 'counter.war'));
    },
    RUNS_MS,
  );

  it(
    'on each twin: the count goes on through Apache after the Tomcat holding the session stops',
    async () => {
      const ready = await Promise.all([clustered(boxA, a), clustered(boxB, b)]);
      expect(ready, 'each Tomcat answers and sees its peer').toEqual([true, true]);
      const [ours, theirs] = await Promise.all([sessionSurvives(boxA, a), sessionSurvives(boxB, b)]);
      const expected = ['1 first true', '2 first true', '3 first true', '4 other true'];
      expect({ provision: ours, ansible: theirs }).toEqual({ provision: expected, ansible: expected });
    },
    RUNS_MS,
  );
});
