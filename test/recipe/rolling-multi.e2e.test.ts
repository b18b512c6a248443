/**
 * Zero-downtime changes on a multi-host cluster (Apache on web1, one Tomcat on each of app1 and
 * app2; issue 10), with four clients polling through Apache from before each run until 3 s after
 * it: WARs with real file timestamps (v1 directory → v2 WAR → v2' WAR, each version already served
 * before the next deploy), a cluster setting that restarts every Tomcat, a rollback of the v2
 * deploy, and a version that cannot start. No client may see an error or lose its session.
 *
 *   npx vitest run test/recipe/rolling-multi.e2e.test.ts
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appDir, appWar, appWorkspace, brokenWar } from '../helpers/apps.ts';
import { useLab } from '../helpers/lab.ts';
import { cli } from '../helpers/recipe.ts';
import {
  rollbackRolls,
  settingRollsEveryTomcat,
  expectNoDisruption,
  expectVersionEverywhere,
  newRunId,
  runIds,
  stateLines,
  underLoad,
  verifyUntilOk,
  versionsOnInstances,
  provision,
  SCENARIO_MS,
  type Instance,
} from '../helpers/rolling.ts';

const lab = useLab({ profile: 'multi' });
const inv = () => lab.info.inventoryPath;
const web = () => lab.info.hosts.find((h) => h.groups.includes('apache'))!;
const url = () => `http://${web().ip}/counter/`;
// The lab's inventory gives the Nth Tomcat host one instance, jvmRoute tomcatN, on 8080.
const site = () => ({ lab, inv: inv(), url: url(), instances: instances() });
const instances = (): Instance[] =>
  lab.info.hosts
    .filter((h) => h.groups.includes('tomcat'))
    .map((h, k) => ({ name: `tomcat${k + 1}`, host: h.name, port: 8080, home: '/opt/tomcat' }));

describe('rolling changes on a multi-host cluster, under load', () => {
  const ws = appWorkspace();
  const v1 = appDir(ws.root, '1');
  let current = '';
  let deployRun = '';

  beforeAll(async () => {
    const first = await cli(['-i', inv(), '-e', `app_src=${v1}`]);
    expect(first.code, first.out).toBe(0);
    const v = await verifyUntilOk(inv());
    expect(v.code, v.out).toBe(0);
  }, 400_000);
  afterAll(async () => {
    for (const i of instances())
      console.log(
        `-- ${i.name} on ${i.host} catalina.out (deploy and session state lines)\n${await stateLines(lab, i).catch((e) => String(e))}`,
      );
    ws.cleanup();
  });

  /** Deploy `version` as a WAR with real timestamps, built right now; every instance served the previous one. */
  async function deployWar(version: string, previous: string) {
    expect(await versionsOnInstances(lab, instances())).toEqual({ tomcat1: previous, tomcat2: previous });
    current = appWar(ws.root, version);
    const s = await underLoad(`WAR (real timestamps) ${previous} → ${version}`, url(), () =>
      provision('-i', inv(), '-e', `app_src=${current}`),
    );
    expect.soft(s.run.code, s.run.out).toBe(0);
    expectNoDisruption(s);
    await expectVersionEverywhere(lab, instances(), version);
    const v = await verifyUntilOk(inv());
    expect.soft(v.code, v.out).toBe(0);
  }

  it(
    'a WAR with real timestamps v1 → v2: no client sees an error or loses its session; both instances serve v2',
    async () => {
      const before = await runIds(inv());
      await deployWar('2', '1');
      deployRun = await newRunId(inv(), before);
    },
    SCENARIO_MS,
  );

  it(
    "a WAR with real timestamps v2 → v2' (over a served real-timestamp WAR): both instances serve v2'",
    async () => {
      await deployWar("2'", '2');
    },
    SCENARIO_MS,
  );

  it(
    'a cluster setting (channelSendOptions 2) restarts every Tomcat, one at a time, with no error',
    async () => {
      await settingRollsEveryTomcat(site(), current, "2'");
    },
    SCENARIO_MS,
  );

  it(
    'provision rollback of the v2 deploy (and every run after it) rolls too: v1 everywhere, no error',
    async () => {
      await rollbackRolls(site(), deployRun);
    },
    SCENARIO_MS,
  );

  it(
    'a v3 WAR that cannot start: the roll stops at its first instance, which is put back rolling (the default): ' +
      'non-zero exit naming it, v1 everywhere, verify passes, no client error',
    async () => {
      expect(await versionsOnInstances(lab, instances()), 'before this deploy every instance serves v1').toEqual({
        tomcat1: '1',
        tomcat2: '1',
      });
      const v3 = brokenWar(ws.root, '3');
      const s = await underLoad('v3 that cannot start, put back', url(), () => provision('-i', inv(), '-e', `app_src=${v3}`));
      expectNoDisruption(s);
      expect.soft(s.run.code, s.run.out).toBe(2);
      expect.soft(s.run.out, 'the message names the failing instance').toMatch(/tomcat1|tomcat2/);
      expect
        .soft(s.run.out, 'the message shows the failing log lines')
        .toMatch(/NoSuchListener|startup failed due to previous errors|listeners failed to start/);
      expect.soft(s.run.out, 'the output says the host was put back').toContain('failed: put back where this run found it');
      await expectVersionEverywhere(lab, instances(), '1');
      const v = await verifyUntilOk(inv());
      expect.soft(v.code, v.out).toBe(0);
    },
    SCENARIO_MS,
  );
});
