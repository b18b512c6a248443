/**
 * The checks of `provision verify`, without downtime: each Tomcat answers, each sees every other
 * instance as a cluster member (from its log since its last start), and a session created through
 * Apache can be read on every other instance. One SSH round trip per Tomcat host for the first two.
 */
import { quote, sh } from '../core/quote.ts';
import type { Transport } from '../transport/types.ts';
import type { ApacheTarget, InstanceTarget } from './targets.ts';

export interface CheckRow {
  check: 'answers' | 'members' | 'session';
  target: string;
  ok: boolean;
  detail: string;
}

/** Tomcat logs this when it starts; membership events before it are of an earlier run. */
const LAST_START = quote('Starting service \\[');
/** `…memberAdded … tcp://{10, 179, 2, 11}:4001 …` → `event=memberAdded 10, 179, 2, 11:4001`. */
const EVENT_SED = quote('s/.*(memberAdded|memberDisappeared).*tcp:\\/\\/\\{([0-9, ]+)\\}:([0-9]+).*/event=\\1 \\2:\\3/');

const label = (i: InstanceTarget) => `${i.jvmRoute} (${i.host}:${i.httpPort})`;

/** Shell printing, per instance, its HTTP status, whether it runs, and its membership events. */
function probeScript(list: InstanceTarget[], path: string): string {
  return list
    .map((i) => {
      const log = `${i.home}/logs/catalina.out`;
      return [
        sh`echo ${`@@ ${i.home}`}`.text,
        sh`echo "http=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 ${`http://127.0.0.1:${i.httpPort}${path}`})"`.text,
        sh`pgrep -f -- ${`-Dcatalina[.]base=${i.home} `} >/dev/null && echo running=yes || echo running=no`.text,
        // Membership events since the instance last started.
        `n=$(grep -n ${LAST_START} ${quote(log)} 2>/dev/null | tail -1 | cut -d: -f1); ` +
          `tail -n +"$\{n:-1}" ${quote(log)} 2>/dev/null | grep -E 'memberAdded|memberDisappeared' | sed -E ${EVENT_SED}`,
      ].join('\n');
    })
    .join('\n');
}

interface Probe {
  http: string;
  running: boolean;
  members: Set<string>;
}

function parseProbes(out: string): Map<string, Probe> {
  const res = new Map<string, Probe>();
  let cur: Probe | undefined;
  for (const line of out.split('\n')) {
    if (line.startsWith('@@ ')) res.set(line.slice(3), (cur = { http: '', running: false, members: new Set() }));
    else if (!cur) continue;
    else if (line.startsWith('http=')) cur.http = line.slice(5);
    else if (line.startsWith('running=')) cur.running = line === 'running=yes';
    else if (line.startsWith('event=')) {
      // `event=memberAdded 10, 179, 2, 11:4001`
      const [kind, ...rest] = line.slice(6).split(' ');
      const member = rest.join('').replace(/,/g, '.');
      if (kind === 'memberAdded') cur.members.add(member);
      else cur.members.delete(member);
    }
  }
  return res;
}

export async function instanceChecks(
  instances: InstanceTarget[],
  path: string,
  conn: (host: string) => Promise<Transport>,
): Promise<CheckRow[]> {
  const rows: CheckRow[] = [];
  const hosts = [...new Set(instances.map((i) => i.host))];
  const probes = new Map<string, Probe>();
  await Promise.all(
    hosts.map(async (host) => {
      const t = await conn(host);
      const res = await t.exec(
        probeScript(
          instances.filter((i) => i.host === host),
          path,
        ),
      );
      for (const [home, p] of parseProbes(res.stdout)) probes.set(`${host} ${home}`, p);
    }),
  );
  for (const i of instances) {
    const p = probes.get(`${i.host} ${i.home}`);
    const answers = p?.http === '200';
    rows.push({
      check: 'answers',
      target: label(i),
      ok: answers,
      detail: !p?.running ? 'not running' : `HTTP ${p?.http || 'no answer'} on ${path}`,
    });
    const others = instances.filter((o) => o !== i).map((o) => o.receiver);
    const missing = others.filter((r) => !p?.members.has(r));
    rows.push({
      check: 'members',
      target: label(i),
      ok: !!p?.running && missing.length === 0,
      detail: !p?.running ? 'not running' : missing.length ? `does not see ${missing.join(', ')}` : `sees ${others.length} other member(s)`,
    });
  }
  return rows;
}

interface Counter {
  count: number;
  route: string;
  sessionId: string;
}

async function get(url: string, cookie?: string): Promise<{ body: Counter; cookie?: string }> {
  const res = await fetch(url, { headers: cookie ? { cookie } : {}, signal: AbortSignal.timeout(10_000) });
  const set = res.headers.getSetCookie().find((c) => c.startsWith('JSESSIONID='));
  return { body: (await res.json()) as Counter, cookie: set?.split(';')[0] ?? cookie };
}

/** A session made through Apache (two requests) must read count 2 on every other instance. */
export async function sessionChecks(
  apache: ApacheTarget,
  instances: InstanceTarget[],
  path: string,
  conn: (host: string) => Promise<Transport>,
): Promise<CheckRow[]> {
  let first: Awaited<ReturnType<typeof get>>;
  let second: Awaited<ReturnType<typeof get>>;
  try {
    first = await get(apache.url);
    second = await get(apache.url, first.cookie);
  } catch (err) {
    return [
      {
        check: 'session',
        target: `Apache ${apache.url}`,
        ok: false,
        detail: `no counter answer through Apache: ${(err as Error).message}`,
      },
    ];
  }
  const { route, sessionId, count } = second.body;
  if (count !== 2)
    return [
      {
        check: 'session',
        target: `Apache ${apache.url}`,
        ok: false,
        detail: `the session did not stick: counts ${first.body.count}, ${count}`,
      },
    ];
  const rows: CheckRow[] = [{ check: 'session', target: `Apache ${apache.url}`, ok: true, detail: `session on ${route}, count 2` }];
  for (const i of instances.filter((x) => x.jvmRoute !== route)) {
    const t = await conn(i.host);
    const url = `http://127.0.0.1:${i.httpPort}${path}?read=1`;
    let seen = -1;
    // Replication is asynchronous: allow it a few seconds, bounded.
    for (let n = 0; n < 10 && seen !== 2; n++) {
      if (n) await new Promise((r) => setTimeout(r, 500));
      const res = await t.exec(sh`curl -s --max-time 5 -b ${`JSESSIONID=${sessionId}`} ${url}`.text);
      seen = Number((/"count":(\d+)/.exec(res.stdout) ?? [])[1] ?? -1);
    }
    rows.push({
      check: 'session',
      target: label(i),
      ok: seen === 2,
      detail:
        seen === 2
          ? `reads the session from ${route} (count 2)`
          : `does not have the session from ${route} (count ${seen < 0 ? 'none' : seen})`,
    });
  }
  return rows;
}
