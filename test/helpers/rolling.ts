/**
 * Zero-downtime deploy scenarios on lab hosts (issue 10's acceptance): clients of the counter app
 * poll through Apache from before a `provision` run until a few seconds after it ends; then what
 * a user would check: every request answered 200, every session's count +1 on every request,
 * every instance serving the expected version on its own port, `provision verify` passing.
 */
import { expect } from 'vitest';
import type { TestLab } from './lab.ts';
import { connectionErrors, badBodies, firstViolations, latency, non200, startLoad, summary, type LoadResult } from './load.ts';
import { cli, type CliResult } from './recipe.ts';

/** One Tomcat instance, asked directly on its own host and port. */
export interface Instance {
  /** Its jvmRoute (what the run's messages call it). */
  name: string;
  host: string;
  port: number;
  home: string;
}

export interface Scenario {
  title: string;
  run: CliResult;
  load: LoadResult;
  /** The printed paragraph (summary and latency before/during the run). */
  report: string;
}

const sleep = (ms: number) => new Promise<void>((ok) => setTimeout(ok, ms));

/** Bound of one `provision` run under load; the load itself is bounded above it (ready + run + settle). */
export const RUN_TIMEOUT_MS = 420_000;
/** A scenario's test timeout: the load's bound plus verify. */
export const SCENARIO_MS = 560_000;
/** `provision …` as a user runs it, bounded to RUN_TIMEOUT_MS. */
export const provision = (...args: string[]) => cli(args, RUN_TIMEOUT_MS);

/**
 * Clients (4, each with its own session, one request per 100 ms each) poll `url` from before
 * `action` until `settleMs` after it; bounded in count and time whatever happens.
 */
export async function underLoad(title: string, url: string, action: () => Promise<CliResult>, settleMs = 3000): Promise<Scenario> {
  const load = startLoad({ url, clients: 4, intervalMs: 100, maxDurationMs: 480_000, maxRequests: 4 * 10 * 480, timeoutMs: 10_000 });
  let res: LoadResult | undefined;
  try {
    await load.ready(3, 30_000);
    load.mark('run-start');
    const run = await action();
    load.mark('run-end');
    await sleep(settleMs);
    res = await load.stop();
    const [start, end] = [res.marks[0]!.at, res.marks[1]!.at];
    const before = latency(res.records, { to: start });
    const during = latency(res.records, { from: start, to: end });
    const report = [
      `== ${title}: run exit ${run.code} in ${((end - start) / 1000).toFixed(1)} s`,
      `latency before the run: p50 ${before.p50} ms, p99 ${before.p99} ms (n=${before.n}); ` +
        `during the run: p50 ${during.p50} ms, p99 ${during.p99} ms, max ${during.max} ms (n=${during.n})`,
      summary(res),
    ].join('\n');
    console.log(report);
    return { title, run, load: res, report };
  } finally {
    if (!res) await load.stop();
  }
}

/** What the clients must have seen: no error of any kind, every count +1 on every request. */
export function expectNoDisruption(s: Scenario): void {
  const r = s.load.records;
  // The report (printed above) has the details; the first message carries it too, for CI logs.
  expect.soft(non200(r).length, `${s.title}: responses other than 200\n${s.report}`).toBe(0);
  expect.soft(connectionErrors(r).length, `${s.title}: connection errors`).toBe(0);
  expect.soft(badBodies(r).length, `${s.title}: 200s that are not the counter`).toBe(0);
  expect
    .soft(
      firstViolations(r, s.load.startedAt).map((v) => v.description),
      `${s.title}: counts that did not go up by exactly 1`,
    )
    .toEqual([]);
}

/** Each instance asked directly on its own port: its version, or what it answered instead. */
export async function versionsOnInstances(lab: TestLab, instances: Instance[], path = '/counter/'): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const i of instances) {
    const r = await lab.exec(i.host, `curl -s --max-time 10 -w '\\n%{http_code}' http://127.0.0.1:${i.port}${path}`);
    const lines = r.stdout.trimEnd().split('\n');
    const code = lines.pop() ?? '';
    try {
      const v = (JSON.parse(lines.join('\n')) as { version?: string }).version;
      out[i.name] = code === '200' && v ? v : `HTTP ${code}`;
    } catch {
      out[i.name] = code && code !== '000' ? `HTTP ${code}` : 'no answer';
    }
  }
  return out;
}

/** Every instance must serve `version`, asked directly. */
export async function expectVersionEverywhere(lab: TestLab, instances: Instance[], version: string): Promise<void> {
  const seen = await versionsOnInstances(lab, instances);
  expect
    .soft(seen, `every instance serves version ${version} on its own port`)
    .toEqual(Object.fromEntries(instances.map((i) => [i.name, version])));
}

/** `provision verify`, retried while membership settles (heartbeats every 0.5 s); bounded to ~30 s. */
export async function verifyUntilOk(inv: string): Promise<CliResult> {
  let r = await cli(['verify', '-i', inv]);
  for (let i = 0; i < 10 && r.code !== 0; i++) {
    await sleep(3000);
    r = await cli(['verify', '-i', inv]);
  }
  return r;
}

/** Run ids journaled on any host (`provision history --json`). */
export async function runIds(inv: string): Promise<Set<string>> {
  const r = await cli(['history', '-i', inv, '--json']);
  const doc = r.json as unknown as { hosts: Record<string, { runs?: { id: string }[] }> };
  return new Set(Object.values(doc.hosts).flatMap((h) => (h.runs ?? []).map((x) => x.id)));
}

/** The id of the one run journaled since `before`. */
export async function newRunId(inv: string, before: Set<string>): Promise<string> {
  const ids = [...(await runIds(inv))].filter((id) => !before.has(id));
  expect(ids, 'exactly one new run in provision history').toHaveLength(1);
  return ids[0]!;
}

/** PID of each instance's JVM, by its CATALINA_BASE (to see which were restarted). */
export async function instancePids(lab: TestLab, instances: Instance[]): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const i of instances) out[i.name] = (await lab.exec(i.host, `pgrep -f -- '-Dcatalina[.]base=${i.home} ' | head -1`)).stdout.trim();
  return out;
}

/** catalina.out lines about deployment and session state, for the report (what the lead needs to match). */
export async function stateLines(lab: TestLab, i: Instance): Promise<string> {
  const pattern =
    'DeltaManager|session state|noSessionState|state transfer|GET_ALL_SESSIONS|startup failed|listeners failed|' +
    'SEVERE|Deploying|Undeploying|memberAdded|memberDisappeared|Server startup in';
  const r = await lab.exec(
    i.host,
    `grep -E '${pattern}' ${i.home}/logs/catalina.out | tail -60; ` +
      `grep -h -A1 'listenerStart' ${i.home}/logs/localhost.*.log 2>/dev/null | tail -6`,
  );
  return r.stdout;
}

/** Where a scenario runs: the lab, its inventory, the URL through Apache and the instances. */
export interface Site {
  lab: TestLab;
  inv: string;
  url: string;
  instances: Instance[];
}

/** `attr` is in each instance's server.xml exactly once. */
async function inServerXml(site: Site, attr: string): Promise<void> {
  for (const i of site.instances) {
    const n = (await site.lab.exec(i.host, `grep -c '${attr}' ${i.home}/conf/server.xml`)).stdout.trim();
    expect.soft(n, `${i.name} server.xml`).toBe('1');
  }
}

/**
 * A cluster setting (channelSendOptions 2) under load: every Tomcat restarted, one at a time,
 * no client error, the setting in every server.xml, still `version` everywhere, verify passes.
 */
export async function settingRollsEveryTomcat(site: Site, appSrc: string, version: string): Promise<void> {
  const pids = await instancePids(site.lab, site.instances);
  const s = await underLoad('cluster setting, every Tomcat restarted', site.url, () =>
    provision('-i', site.inv, '-e', `app_src=${appSrc}`, '-e', 'cluster_channel_send_options=2'),
  );
  expect.soft(s.run.code, s.run.out).toBe(0);
  expectNoDisruption(s);
  const after = await instancePids(site.lab, site.instances);
  for (const i of site.instances) expect.soft(after[i.name], `${i.name} was restarted`).not.toBe(pids[i.name]);
  await inServerXml(site, 'channelSendOptions="2"');
  await expectVersionEverywhere(site.lab, site.instances, version);
  const v = await verifyUntilOk(site.inv);
  expect.soft(v.code, v.out).toBe(0);
}

/**
 * `provision rollback --run <deploy>` under load: no client error, v1 everywhere, verify passes;
 * with `settingBack`, the setting changed after the deploy is undone too (channelSendOptions 6).
 */
export async function rollbackRolls(site: Site, deployRun: string, o: { settingBack?: boolean } = {}): Promise<void> {
  expect(deployRun, 'the v2 deploy run id').not.toBe('');
  const s = await underLoad('rollback of the v2 deploy', site.url, () => provision('rollback', '-i', site.inv, '--run', deployRun));
  expect.soft(s.run.code, s.run.out).toBe(0);
  expectNoDisruption(s);
  await expectVersionEverywhere(site.lab, site.instances, '1');
  if (o.settingBack) await inServerXml(site, 'channelSendOptions="6"');
  const v = await verifyUntilOk(site.inv);
  expect.soft(v.code, v.out).toBe(0);
}
