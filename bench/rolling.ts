/**
 * `npm run bench:rolling`: how long a rolling deploy takes per Tomcat instance, and which step
 * (drain, stop, file changes, start with state transfer, enable) costs the time. On the one-host
 * recipe lab (Apache and two Tomcats, services running): a first run, then `--reps` deploys that
 * alternate app versions 1 and 2 (each a real roll of both instances), under a light bounded load
 * of 2 clients through Apache. Reads each unit's steps from `--json`, and DeltaManager's own
 * "session state ... received in [N] ms" from each instance's log. Writes bench/ROLLING.md.
 *
 * Options: --reps 4. Root on Linux (the lab). No Ansible here: Ansible has no rolling deploy of
 * instances on one host to compare with; the numbers are provision's own.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { labDown, labExec, labUp } from '../src/lab/index.ts';
import { timed } from './lib/proc.ts';
import { REPO } from './lib/tools.ts';

const { values: opt } = parseArgs({ options: { reps: { type: 'string' } } });
const reps = Math.max(1, Number(opt.reps ?? 4));
const LAB = { name: 'bench-roll', prefix: 'bnr', subnet: '10.179.52.0/24' };
const BIN = join(REPO, 'bin/provision.js');
const log = (s: string) => process.stderr.write(`${s}\n`);

/** The counter app at version `v` (its one version line changed). */
function app(root: string, v: string): string {
  const dir = join(root, `app-v${v}`);
  cpSync(join(REPO, 'examples/counter-app'), dir, { recursive: true });
  const jsp = join(dir, 'index.jsp');
  writeFileSync(jsp, readFileSync(jsp, 'utf8').replace(/String version = "[^"]*";/, `String version = "${v}";`));
  return dir;
}

interface Step {
  step: string;
  ms: number;
}
interface Unit {
  item: string;
  ms: number;
  steps: Step[];
}

/** Two clients, one request every 200 ms each, bounded in count and time; counts non-200 answers. */
function load(url: string, maxMs: number): { stop: () => Promise<{ requests: number; bad: number }> } {
  let stopped = false;
  let requests = 0;
  let bad = 0;
  const until = Date.now() + maxMs;
  const client = async () => {
    let cookie: string | undefined;
    while (!stopped && Date.now() < until && requests < 20_000) {
      const t0 = Date.now();
      try {
        const r = await fetch(url, { headers: cookie ? { cookie } : {}, signal: AbortSignal.timeout(10_000) });
        cookie =
          r.headers
            .getSetCookie()
            .find((c) => c.startsWith('JSESSIONID='))
            ?.split(';')[0] ?? cookie;
        await r.text();
        if (r.status !== 200) bad++;
      } catch {
        bad++;
      }
      requests++;
      await new Promise((ok) => setTimeout(ok, Math.max(0, 200 - (Date.now() - t0))));
    }
  };
  const all = Promise.all([client(), client()]);
  return { stop: async () => ((stopped = true), await all, { requests, bad }) };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

async function main(): Promise<void> {
  const load0 = loadavg()[0]!;
  await labDown(LAB).catch(() => undefined);
  const info = await labUp({ ...LAB, profile: 'recipe' });
  const host = info.hosts[0]!;
  const root = mkdtempSync(join(tmpdir(), 'bench-roll-'));
  try {
    const inv = info.inventoryPath;
    const first = await timed('node', [BIN, '-i', inv, '-e', `app_src=${app(root, '1')}`], {
      timeoutMs: 600_000,
      env: { ...process.env, CI: 'true' },
    });
    if (first.code !== 0) throw new Error(`first run failed:\n${first.stdout.slice(-2000)}`);
    const deploys: { ms: number; units: Unit[]; bad: number; requests: number }[] = [];
    for (let k = 0; k < reps; k++) {
      const v = k % 2 === 0 ? '2' : '1';
      const l = load(`http://${host.ip}/counter/`, 600_000);
      const r = await timed('node', [BIN, '-i', inv, '--json', '-e', `app_src=${app(root, `${v}-${k}`)}`], {
        timeoutMs: 600_000,
        env: { ...process.env, CI: 'true' },
      });
      const traffic = await l.stop();
      if (r.code !== 0) throw new Error(`deploy ${k + 1} failed:\n${r.stdout.slice(-3000)}`);
      const doc = JSON.parse(r.stdout) as { plays: { tasks: { results: { item?: string; durationMs: number; steps?: Step[] }[] }[] }[] };
      const units = doc.plays.flatMap((p) =>
        p.tasks.flatMap((t) => t.results.filter((x) => x.steps).map((x) => ({ item: x.item ?? '?', ms: x.durationMs, steps: x.steps! }))),
      );
      deploys.push({ ms: r.ms, units, ...traffic });
      log(`deploy ${k + 1}/${reps}: ${s(r.ms)}, ${units.length} instances rolled, ${traffic.bad} of ${traffic.requests} requests not 200`);
    }
    // DeltaManager's own measure of each state transfer (the part of `start` that is the sessions).
    const transfers: number[] = [];
    for (const home of ['/opt/tomcat', '/opt/tomcat2']) {
      const out = (await labExec(info, host.name, `grep -o 'received in \\[[0-9,]*\\] ms' ${home}/logs/catalina.out || true`)).stdout;
      for (const m of out.matchAll(/received in \[([\d,]+)\] ms/g)) transfers.push(Number(m[1]!.replace(/,/g, '')));
    }
    const units = deploys.flatMap((d) => d.units);
    const names = ['drain', 'stop', 'files', 'start', 'enable'];
    const per = names.map((n) => ({ n, ms: median(units.map((u) => u.steps.find((x) => x.step === n)?.ms ?? 0)) }));
    const unitMs = median(units.map((u) => u.ms));
    const lines = [
      '# Rolling deploy: where the time goes',
      '',
      `Regenerated by \`npm run bench:rolling\` (${new Date().toISOString().slice(0, 10)}): the one-host recipe lab (Apache and`,
      `two Tomcat 10.1 instances, \`-Xmx128m\`), ${reps} deploys alternating app versions, each rolling both`,
      `instances, under 2 clients polling through Apache every 200 ms. Load average at start: ${load0.toFixed(2)} on this machine's cores.`,
      '',
      `| | median |`,
      '|---|---|',
      `| whole deploy run (CLI start to exit) | ${s(median(deploys.map((d) => d.ms)))} |`,
      `| per instance (drain → enable) | ${s(unitMs)} |`,
      ...per.map((p) => `| step: ${p.n} | ${s(p.ms)} (${unitMs ? Math.round((p.ms / unitMs) * 100) : 0}%) |`),
      `| of start: session state transfer (DeltaManager's "received in") ` +
        `| ${transfers.length ? `${median(transfers)} ms (n=${transfers.length})` : 'not logged'} |`,
      '',
      `Requests through Apache during the deploys: ${deploys.reduce((a, d) => a + d.requests, 0)}, ` +
        `not 200: ${deploys.reduce((a, d) => a + d.bad, 0)}.`,
      '',
      'Steps: **drain** disables the member in balancer-manager and waits until its in-flight requests',
      "are done; **stop** is `shutdown.sh` until the JVM is gone; **files** are the deploy's changes",
      '(WAR, cleared expanded and compiled copies); **start** is `catalina.sh start` until the port',
      'and the application answer and the log shows the cluster joined, the state received; **enable**',
      'puts it back. The JVM start and the application deploy dominate `start`; the state transfer',
      'itself takes milliseconds with a handful of sessions.',
      '',
    ];
    writeFileSync(join(REPO, 'bench/ROLLING.md'), lines.join('\n'));
    log(lines.join('\n'));
  } finally {
    rmSync(root, { recursive: true, force: true });
    await labDown(LAB).catch(() => undefined);
  }
}

await main();
