/**
 * The session check of `provision verify`, for any application: no cooperation from the app is
 * needed beyond making a session at the probed URL. A session is made through Apache; a second
 * request must keep it (stickiness); then its id is presented to every other instance directly,
 * and each must keep the same session (no new id) — which a Tomcat does only if the session was
 * replicated to it. Tomcat's `JvmRouteBinderValve` may move the session to the instance's route
 * (`ABC.tomcat1` → `ABC.tomcat2`, cluster-wide): the same session, so the next probe uses that id.
 */
import { sh } from '../core/quote.ts';
import type { Transport } from '../transport/types.ts';
import { label, type CheckRow } from './checks.ts';
import { apacheReason, instanceReason } from './reasons.ts';
import type { ApacheTarget, InstanceTarget } from './targets.ts';

/** What a probe needs to know: where, and the session cookie's name. */
export interface SessionProbe {
  /** URL path of a page that makes a session, e.g. `/counter/`. */
  path: string;
  /** Session cookie name (Tomcat's default JSESSIONID). */
  cookie: string;
}

interface Answer {
  status: number;
  /** The session id the answer set, if any. */
  setId?: string;
}

function setCookieId(headers: string[], name: string): string | undefined {
  for (const h of headers) {
    const m = new RegExp(`^\\s*${name}=([^;]*)`).exec(h);
    if (m) return m[1];
  }
  return undefined;
}

/** A request through Apache from this machine (redirects not followed: a 302 that sets the cookie counts). */
async function viaApache(url: string, probe: SessionProbe, id?: string): Promise<Answer> {
  const res = await fetch(url, {
    headers: id ? { cookie: `${probe.cookie}=${id}` } : {},
    redirect: 'manual',
    signal: AbortSignal.timeout(10_000),
  });
  await res.arrayBuffer();
  return { status: res.status, setId: setCookieId(res.headers.getSetCookie(), probe.cookie) };
}

/**
 * A request to one instance on its own host (its HTTP port on loopback). The cookie goes in curl's
 * config on stdin (`-K -`, curl 7.29 of CentOS 7 has it), so no session id is in a command line.
 */
async function direct(t: Transport, i: InstanceTarget, probe: SessionProbe, id: string): Promise<Answer> {
  const url = `http://127.0.0.1:${i.httpPort}${probe.path}`;
  const config = `header = "Cookie: ${probe.cookie}=${id}"\n`;
  const res = await t.exec(sh`curl -s -o /dev/null -D - --max-time 5 -K - ${url}`.text, { stdin: config });
  const lines = res.stdout.split(/\r?\n/);
  const status = Number(/^HTTP\/\S+ (\d{3})/.exec(lines[0] ?? '')?.[1] ?? 0);
  const cookies = lines.filter((l) => /^set-cookie:/i.test(l)).map((l) => l.replace(/^set-cookie:\s*/i, ''));
  return { status, setId: setCookieId(cookies, probe.cookie) };
}

/** `ABC.tomcat1` → `ABC` (Tomcat appends `.jvmRoute`). */
const baseOf = (id: string) => id.replace(/\.[^.]*$/, '');
const routeOf = (id: string) => (id.includes('.') ? id.slice(id.lastIndexOf('.') + 1) : undefined);

/** Make a session through one Apache and check that every instance but its own keeps it. */
export async function sessionChecks(
  apache: ApacheTarget,
  instances: InstanceTarget[],
  probe: SessionProbe,
  conn: (host: string) => Promise<Transport>,
): Promise<CheckRow[]> {
  const url = new URL(probe.path, apache.url).href;
  const target = `Apache ${url}`;
  const fail = (detail: string): CheckRow[] => [{ check: 'session', target, ok: false, detail }];
  let first: Answer;
  let second: Answer;
  try {
    first = await viaApache(url, probe);
    if (first.status >= 400 || first.status === 0) return fail(apacheReason(first.status));
    if (!first.setId) {
      return fail(
        `HTTP ${first.status} but no ${probe.cookie} cookie: the application made no session there; ` +
          'give --url a page that creates one (or --session-cookie if it uses another name)',
      );
    }
    second = await viaApache(url, probe, first.setId);
  } catch (err) {
    return fail(`Apache does not answer: ${(err as Error).cause ? String((err as Error).cause) : (err as Error).message}`);
  }
  if (second.status >= 400) return fail(apacheReason(second.status));
  if (second.setId && baseOf(second.setId) !== baseOf(first.setId)) {
    return fail(
      'the second request got a new session: Apache sent it to an instance that did not know it (stickiness or replication is off)',
    );
  }
  let id = second.setId ?? first.setId;
  const route = routeOf(first.setId);
  const owner = instances.find((i) => i.jvmRoute === route);
  const rows: CheckRow[] = [
    { check: 'session', target, ok: true, detail: `HTTP ${first.status}, session made on ${owner ? owner.jvmRoute : 'an instance'}, kept` },
  ];
  for (const i of instances.filter((x) => x !== owner)) {
    const t = await conn(i.host);
    let last: Answer = { status: 0 };
    let kept = false;
    // Replication is asynchronous: allow it a few seconds, bounded.
    for (let n = 0; n < 10 && !kept; n++) {
      if (n) await new Promise((r) => setTimeout(r, 500));
      last = await direct(t, i, probe, id);
      kept = last.status > 0 && last.status < 400 && (!last.setId || baseOf(last.setId) === baseOf(id));
    }
    if (kept && last.setId) id = last.setId;
    rows.push({
      check: 'session',
      target: label(i),
      ok: kept,
      detail: kept
        ? `keeps the session made on ${owner?.jvmRoute ?? 'another instance'} (HTTP ${last.status})`
        : last.status === 0 || last.status >= 400
          ? instanceReason(last.status, probe.path)
          : `issued a new session: the one made on ${owner?.jvmRoute ?? 'another instance'} was not replicated to it`,
    });
  }
  return rows;
}
