/**
 * Zero-downtime changes on the recipe's one host (Apache and two Tomcats, issue 10), with four
 * clients polling through Apache from before each run until 3 s after it: a new application
 * version as an exploded directory, a cluster setting that restarts every Tomcat, a rollback of
 * the deploy, and a version that cannot start (put back by default, then left with --keep-failed). No client
 * may see an error or lose its session.
 *
 *   npx vitest run test/recipe/rolling.e2e.test.ts
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appDir, appWorkspace, brokenWar } from '../helpers/apps.ts';
import { useLab } from '../helpers/lab.ts';
import { cli } from '../helpers/recipe.ts';
import {
  rollbackRolls,
  settingRollsEveryTomcat,
  expectNoDisruption,
  expectVersionEverywhere,
  instancePids,
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

const lab = useLab({ profile: 'recipe' });
const inv = () => lab.info.inventoryPath;
const url = () => `http://${lab.info.hosts[0]!.ip}/counter/`;
const site = () => ({ lab, inv: inv(), url: url(), instances: instances() });
const instances = (): Instance[] => [
  { name: 'tomcat1', host: lab.hosts[0]!, port: 8080, home: '/opt/tomcat' },
  { name: 'tomcat2', host: lab.hosts[0]!, port: 8081, home: '/opt/tomcat2' },
];

describe('rolling changes on the one-host recipe, under load', () => {
  const ws = appWorkspace();
  const v1 = appDir(ws.root, '1');
  const v2 = appDir(ws.root, '2');
  let deployRun = '';

  beforeAll(async () => {
    const first = await cli(['-i', inv(), '-e', `app_src=${v1}`]);
    expect(first.code, first.out).toBe(0);
    const v = await verifyUntilOk(inv());
    expect(v.code, v.out).toBe(0);
  }, 400_000);
  afterAll(async () => {
    for (const i of instances())
      console.log(`-- ${i.name} catalina.out (deploy and session state lines)\n${await stateLines(lab, i).catch((e) => String(e))}`);
    ws.cleanup();
  });

  it('--check names the order the instances would be taken out in; a change to Apache alone restarts no Tomcat', async () => {
    const pids = await instancePids(lab, instances());
    const deploy = await cli(['-i', inv(), '--check', '-e', `app_src=${v2}`]);
    expect(deploy.code, deploy.out).toBe(0);
    expect(deploy.out).toContain(`would roll one instance at a time: tomcat1 on ${lab.hosts[0]} → tomcat2 on ${lab.hosts[0]}`);
    expect(deploy.out).toMatch(/would change: \[\S+\] \(item=tomcat1\) => roll 1\/2: drain from the balancer, stop/);
    // The balancer's name is Apache's alone: its vhost would change, no Tomcat would restart.
    const apacheOnly = await cli(['-i', inv(), '--check', '-e', 'balancer_name=tomcats2']);
    expect(apacheOnly.code, apacheOnly.out).toBe(0);
    expect(apacheOnly.out).toMatch(/would change: \[\S+\] => .*balancer:\/\/tomcats2 vhost/);
    expect(apacheOnly.out).not.toContain('would roll');
    expect(apacheOnly.out).not.toContain('RUNNING HANDLER');
    expect(await instancePids(lab, instances())).toEqual(pids);
  });

  it(
    'an exploded app directory v1 → v2: no client sees an error or loses its session; both instances serve v2',
    async () => {
      // Each instance has compiled and served v1 before the deploy.
      expect(await versionsOnInstances(lab, instances())).toEqual({ tomcat1: '1', tomcat2: '1' });
      const before = await runIds(inv());
      const s = await underLoad('exploded dir v1 → v2', url(), () => provision('-i', inv(), '-e', `app_src=${v2}`));
      expect.soft(s.run.code, s.run.out).toBe(0);
      deployRun = await newRunId(inv(), before);
      expectNoDisruption(s);
      await expectVersionEverywhere(lab, instances(), '2');
      const v = await verifyUntilOk(inv());
      expect.soft(v.code, v.out).toBe(0);
    },
    SCENARIO_MS,
  );

  it(
    'a cluster setting (channelSendOptions 2) restarts every Tomcat, one at a time, with no error',
    async () => {
      await settingRollsEveryTomcat(site(), v2, '2');
    },
    SCENARIO_MS,
  );

  it(
    'provision rollback of the v2 deploy (and the setting after it) rolls too: v1 everywhere, no error',
    async () => {
      await rollbackRolls(site(), deployRun, { settingBack: true });
    },
    SCENARIO_MS,
  );

  it(
    'by default, a v3 WAR that cannot start is rolled back on its instance: ' + 'non-zero exit naming it, v1 everywhere, no client error',
    async () => {
      expect(await versionsOnInstances(lab, instances()), 'before this deploy every instance serves v1').toEqual({
        tomcat1: '1',
        tomcat2: '1',
      });
      const v3 = brokenWar(ws.root, '3');
      const s = await underLoad('v3 that cannot start, failed host put back (default)', url(), () =>
        provision('-i', inv(), '-e', `app_src=${v3}`),
      );
      expectNoDisruption(s);
      expect.soft(s.run.code, s.run.out).not.toBe(0);
      expect.soft(s.run.out, 'the message names the failing instance').toMatch(/tomcat1|tomcat2/);
      expect.soft(s.run.out, 'the output says the host was put back').toContain('failed: put back where this run found it');
      await expectVersionEverywhere(lab, instances(), '1');
      const v = await verifyUntilOk(inv());
      expect.soft(v.code, v.out).toBe(0);
    },
    SCENARIO_MS,
  );

  it(
    'with --keep-failed, a v3 WAR that cannot start stops the roll at its first instance: ' +
      'non-zero exit naming it, the other still serves v1, no client error',
    async () => {
      expect(await versionsOnInstances(lab, instances()), 'before this deploy every instance serves v1').toEqual({
        tomcat1: '1',
        tomcat2: '1',
      });
      const v3 = brokenWar(ws.root, '3');
      const s = await underLoad('v3 that cannot start, --keep-failed', url(), () =>
        provision('-i', inv(), '-e', `app_src=${v3}`, '--keep-failed'),
      );
      expectNoDisruption(s);
      expect.soft(s.run.code, s.run.out).not.toBe(0);
      const seen = await versionsOnInstances(lab, instances());
      console.log(`after the v3 run, asked directly: ${JSON.stringify(seen)}`);
      const failed = instances().filter((i) => seen[i.name] !== '1');
      expect
        .soft(
          failed.map((i) => i.name),
          `exactly one instance (the first of the roll) is not serving v1: ${JSON.stringify(seen)}`,
        )
        .toHaveLength(1);
      for (const i of failed) expect.soft(s.run.out, `the message names ${i.name}`).toContain(i.name);
      expect
        .soft(s.run.out, 'the message shows the failing log lines')
        .toMatch(/NoSuchListener|startup failed due to previous errors|listeners failed to start/);
      expect
        .soft(
          Object.values(seen).filter((v) => v === '1'),
          'the other instance still serves v1',
        )
        .toHaveLength(1);
    },
    SCENARIO_MS,
  );
});
