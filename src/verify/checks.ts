/**
 * The instance checks of `provision verify`, without downtime: each Tomcat answers on the probed
 * path and sees every other instance as a cluster member (from its log since its last start). One
 * SSH round trip per Tomcat host. The session check is in session.ts.
 */
import { quote, sh } from '../core/quote.ts';
import type { Transport } from '../transport/types.ts';
import { instanceReason } from './reasons.ts';
import type { InstanceTarget } from './targets.ts';

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

/** How a check names an instance: `tomcat2 (web1:8081)`. */
export const label = (i: InstanceTarget) => `${i.jvmRoute} (${i.host}:${i.httpPort})`;

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
    const status = Number(p?.http ?? 0);
    const answers = status >= 200 && status < 400;
    rows.push({
      check: 'answers',
      target: label(i),
      ok: answers,
      detail: !p?.running ? 'not running' : answers ? `HTTP ${status} on ${path}` : instanceReason(status, path),
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
