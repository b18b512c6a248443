/**
 * A load driver for deploy tests: N clients of the counter app, each with its own cookie jar (its
 * own JSESSIONID, so its own session), each polling one URL at a fixed rate until `stop()`, and
 * bounded by itself in count (`maxRequests`) and time (`maxDurationMs`). Each client's requests are
 * sequential (a request never overlaps the previous one of its session); each opens its own
 * connection (as a browser does after a stale keep-alive, so a reload of Apache is not an error
 * that only the test would see) and is bounded by `timeoutMs`.
 *
 * Every request is recorded; the pure functions below (unit-tested on synthetic records) say what
 * a user would have seen: statuses, connection errors, whether every session's count went up by
 * exactly 1, the versions served, latency per time window, and a one-paragraph summary.
 */
import { request } from 'node:http';

export interface LoadOptions {
  /** The counter app through Apache, e.g. `http://10.178.3.11/counter/`. */
  url: string;
  /** Clients, each with its own session (default 4). */
  clients?: number;
  /** Fixed rate per client: a request starts every `intervalMs` (default 100), later if the previous one is slow. */
  intervalMs?: number;
  /** Hard bound on requests of all clients together (default 20 000). */
  maxRequests?: number;
  /** Hard bound on the driver's life (default 10 minutes). */
  maxDurationMs?: number;
  /** Per-request timeout (default 10 s). */
  timeoutMs?: number;
}

/** One request of one client. */
export interface LoadRecord {
  /** Client number, 1-based. */
  client: number;
  /** The client's request number, 1-based. */
  seq: number;
  /** When the request started (ms since the epoch). */
  start: number;
  latencyMs: number;
  /** HTTP status; absent when no response came (then `error` says why). */
  status?: number;
  /** Connection error or timeout text; or, with status 200, a body that is not the counter's JSON. */
  error?: string;
  /** The start of a body that is not the counter's JSON (e.g. Tomcat's 404 page). */
  body?: string;
  count?: number;
  route?: string;
  version?: string;
  sessionId?: string;
  /** The session was new on this request. */
  isNew?: boolean;
}

export interface Mark {
  name: string;
  at: number;
}

export interface LoadResult {
  records: LoadRecord[];
  marks: Mark[];
  startedAt: number;
  stoppedAt: number;
  clients: number;
  intervalMs: number;
  /** Why the clients stopped: `stop()`, or a bound reached. */
  stopReason: 'stop' | 'maxRequests' | 'maxDurationMs';
}

export interface Load {
  /** Records so far (live). */
  readonly records: readonly LoadRecord[];
  /** Note a moment (e.g. `run-start`) for the latency windows and the summary. */
  mark(name: string): void;
  /** Wait until every client has had `n` answers with a count (bounded; rejects with the summary). */
  ready(n?: number, timeoutMs?: number): Promise<void>;
  /** Stop the clients (each finishes its request in flight) and return everything recorded. */
  stop(): Promise<LoadResult>;
}

const sleep = (ms: number) => new Promise<void>((ok) => setTimeout(ok, ms));

interface Answer {
  status?: number;
  text?: string;
  setCookie: string[];
  error?: string;
}

/** One GET on its own connection, never throwing: an error becomes `error`. */
function get(url: string, cookie: string | undefined, timeoutMs: number): Promise<Answer> {
  return new Promise((resolve) => {
    const req = request(url, { agent: false, headers: cookie ? { cookie } : {}, signal: AbortSignal.timeout(timeoutMs) }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode, text: Buffer.concat(chunks).toString('utf8'), setCookie: res.headers['set-cookie'] ?? [] }),
      );
      res.on('error', (e) => resolve({ error: `response: ${e.message}`, setCookie: [] }));
    });
    req.on('error', (e: NodeJS.ErrnoException) =>
      resolve({
        error:
          e.name === 'AbortError' || e.name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : `${e.code ?? e.name}: ${e.message}`,
        setCookie: [],
      }),
    );
    req.end();
  });
}

function record(client: number, seq: number, start: number, a: Answer): LoadRecord {
  const r: LoadRecord = { client, seq, start, latencyMs: Date.now() - start };
  if (a.status === undefined) return { ...r, error: a.error ?? 'no answer' };
  r.status = a.status;
  try {
    const j = JSON.parse(a.text ?? '') as { count: number; route: string; sessionId: string; new: boolean; version?: string };
    if (typeof j.count !== 'number') throw new Error('no count');
    return { ...r, count: j.count, route: j.route, sessionId: j.sessionId, isNew: j.new, version: j.version };
  } catch {
    // An error page as text: Tomcat's and Apache's carry a <style> block first.
    const body = (a.text ?? '')
      .replace(/<(style|script)[^>]*>[\s\S]*?<\/\1>/gi, ' ')
      .replace(/<[^>]*>/g, ' ')
      .replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n)))
      .replace(/\s+/g, ' ')
      .trim()
      .slice(0, 200);
    return a.status === 200 ? { ...r, error: 'not the counter JSON', body } : { ...r, body };
  }
}

/** Start the clients now; they run until `stop()` or a bound. */
export function startLoad(opts: LoadOptions): Load {
  const clients = opts.clients ?? 4;
  const intervalMs = opts.intervalMs ?? 100;
  const maxRequests = opts.maxRequests ?? 20_000;
  const maxDurationMs = opts.maxDurationMs ?? 600_000;
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const records: LoadRecord[] = [];
  const marks: Mark[] = [];
  const startedAt = Date.now();
  let stopReason: LoadResult['stopReason'] | undefined;
  let wake: () => void = () => {};
  const stopped = new Promise<void>((ok) => (wake = ok));
  const halt = (why: LoadResult['stopReason']) => {
    if (!stopReason) stopReason = why;
    wake();
  };
  const deadline = setTimeout(() => halt('maxDurationMs'), maxDurationMs);
  let issued = 0;

  async function client(n: number): Promise<void> {
    let cookie: string | undefined;
    // Clients start spread over one interval, so their requests do not come in bursts.
    let next = startedAt + Math.round(((n - 1) * intervalMs) / clients);
    for (let seq = 1; !stopReason; seq++) {
      const wait = next - Date.now();
      if (wait > 0) await Promise.race([sleep(wait), stopped]);
      if (stopReason) break;
      if (issued >= maxRequests) {
        halt('maxRequests');
        break;
      }
      issued++;
      const start = Date.now();
      const a = await get(opts.url, cookie, timeoutMs);
      const jar = a.setCookie.find((c) => c.startsWith('JSESSIONID='));
      if (jar) cookie = jar.split(';')[0];
      records.push(record(n, seq, start, a));
      next = Math.max(next + intervalMs, Date.now());
    }
  }

  const all = Promise.all(Array.from({ length: clients }, (_, i) => client(i + 1)));
  const result = (): LoadResult => ({
    records: [...records].sort((a, b) => a.start - b.start),
    marks: [...marks],
    startedAt,
    stoppedAt: Date.now(),
    clients,
    intervalMs,
    stopReason: stopReason ?? 'stop',
  });
  return {
    records,
    mark: (name) => marks.push({ name, at: Date.now() }),
    async ready(n = 3, readyTimeoutMs = 30_000) {
      const until = Date.now() + readyTimeoutMs;
      const enough = () =>
        Array.from({ length: clients }, (_, i) => records.filter((r) => r.client === i + 1 && r.count !== undefined).length >= n).every(
          Boolean,
        );
      while (!enough()) {
        if (Date.now() > until || stopReason)
          throw new Error(`the clients did not all get ${n} answers within ${readyTimeoutMs} ms: ${summary(result())}`);
        await sleep(50);
      }
    },
    async stop() {
      halt('stop');
      await all;
      clearTimeout(deadline);
      return result();
    },
  };
}

// ---- analysis (pure) -------------------------------------------------------------------------

/** Answers with an HTTP status other than 200. */
export const non200 = (rs: readonly LoadRecord[]) => rs.filter((r) => r.status !== undefined && r.status !== 200);
/** Requests that got no HTTP answer (refused, reset, timed out). */
export const connectionErrors = (rs: readonly LoadRecord[]) => rs.filter((r) => r.status === undefined);
/** 200s whose body is not the counter's JSON. */
export const badBodies = (rs: readonly LoadRecord[]) => rs.filter((r) => r.status === 200 && r.count === undefined);

export interface CountViolation {
  client: number;
  kind: 'reset' | 'repeat' | 'skip';
  record: LoadRecord;
  /** The client's previous answer with a count (absent: this was its first). */
  previous?: LoadRecord;
  /** Requests of this client between `previous` and `record` that got no count. */
  failedBetween: number;
  description: string;
}

const rel = (t: number, t0?: number) => (t0 === undefined ? new Date(t).toISOString() : `+${((t - t0) / 1000).toFixed(1)} s`);

/**
 * Per client, every answer's count must be the previous answer's + 1, starting at 1: a lower
 * count is a lost session (`reset`), the same count a replayed or stale answer (`repeat`), a higher
 * one an increment whose answer the client never saw (`skip`). Requests without an answer are
 * skipped over (they are counted as errors elsewhere).
 */
export function countViolations(rs: readonly LoadRecord[], t0?: number): CountViolation[] {
  const out: CountViolation[] = [];
  const byClient = new Map<number, LoadRecord[]>();
  for (const r of [...rs].sort((a, b) => a.seq - b.seq)) byClient.set(r.client, [...(byClient.get(r.client) ?? []), r]);
  for (const [client, list] of [...byClient].sort((a, b) => a[0] - b[0])) {
    let previous: LoadRecord | undefined;
    let failed = 0;
    for (const r of list) {
      if (r.count === undefined) {
        failed++;
        continue;
      }
      const want = (previous?.count ?? 0) + 1;
      if (r.count !== want) {
        const kind = r.count < want - 1 ? 'reset' : r.count === want - 1 ? 'repeat' : 'skip';
        const prev = previous
          ? `after count ${previous.count} (route ${previous.route}, version ${previous.version})`
          : 'as its first answer';
        const gap = failed ? `, ${failed} failed request(s) between` : '';
        out.push({
          client,
          kind,
          record: r,
          previous,
          failedBetween: failed,
          description:
            `client ${client} request #${r.seq} at ${rel(r.start, t0)}: count ${r.count} ${prev}${gap} ` +
            `(${kind}; route ${r.route}, version ${r.version}, session ${r.sessionId}${r.isNew ? ', a new session' : ''})`,
        });
      }
      previous = r;
      failed = 0;
    }
  }
  return out;
}

/** The first violation of each client. */
export function firstViolations(rs: readonly LoadRecord[], t0?: number): CountViolation[] {
  const seen = new Set<number>();
  return countViolations(rs, t0).filter((v) => !seen.has(v.client) && seen.add(v.client));
}

/** Answers per version, in the order the versions first appeared (an array: "2" and "10" are keys JS would reorder). */
export function versionsSeen(rs: readonly LoadRecord[]): { version: string; answers: number }[] {
  const out = new Map<string, number>();
  for (const r of [...rs].sort((a, b) => a.start - b.start))
    if (r.count !== undefined) out.set(r.version ?? '?', (out.get(r.version ?? '?') ?? 0) + 1);
  return [...out].map(([version, answers]) => ({ version, answers }));
}

export interface Latency {
  n: number;
  p50: number;
  p99: number;
  max: number;
}

/** Nearest-rank percentile of sorted values. */
function pct(sorted: number[], p: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]! : NaN;
}

/** Latency of the requests that started in [from, to) (every request, errors included). */
export function latency(rs: readonly LoadRecord[], window: { from?: number; to?: number } = {}): Latency {
  const v = rs
    .filter((r) => r.start >= (window.from ?? -Infinity) && r.start < (window.to ?? Infinity))
    .map((r) => r.latencyMs)
    .sort((a, b) => a - b);
  return { n: v.length, p50: pct(v, 50), p99: pct(v, 99), max: v.length ? v[v.length - 1]! : NaN };
}

const fmtLat = (l: Latency) => (l.n ? `p50 ${l.p50} ms, p99 ${l.p99} ms, max ${l.max} ms (n=${l.n})` : 'no requests');

/** Time windows between the marks: before the first, between each pair, after the last. */
export function windows(res: Pick<LoadResult, 'marks'>): { name: string; from?: number; to?: number }[] {
  const m = [...res.marks].sort((a, b) => a.at - b.at);
  if (!m.length) return [{ name: 'all' }];
  const out: { name: string; from?: number; to?: number }[] = [{ name: `before ${m[0]!.name}`, to: m[0]!.at }];
  for (let i = 1; i < m.length; i++) out.push({ name: `${m[i - 1]!.name} → ${m[i]!.name}`, from: m[i - 1]!.at, to: m[i]!.at });
  out.push({ name: `after ${m[m.length - 1]!.name}`, from: m[m.length - 1]!.at });
  return out;
}

/** Groups of equal text with their count and first occurrence, e.g. `404 ×65 (first +12.1 s: …)`. */
function tally(rs: LoadRecord[], key: (r: LoadRecord) => string, t0: number): string {
  const g = new Map<string, { n: number; first: LoadRecord }>();
  for (const r of rs) {
    const k = key(r);
    const e = g.get(k);
    if (e) e.n++;
    else g.set(k, { n: 1, first: r });
  }
  return [...g].map(([k, e]) => `${k} ×${e.n} (first at ${rel(e.first.start, t0)}, client ${e.first.client})`).join('; ');
}

/** One paragraph a test prints: what the clients saw. */
export function summary(res: LoadResult): string {
  const { records: rs, startedAt: t0 } = res;
  const bad = non200(rs);
  const conn = connectionErrors(rs);
  const bodies = badBodies(rs);
  const viol = firstViolations(rs, t0);
  const ok = rs.filter((r) => r.status === 200 && r.count !== undefined).length;
  const parts = [
    `${res.clients} clients, ${rs.length} requests over ${((res.stoppedAt - t0) / 1000).toFixed(1)} s ` +
      `(one every ${res.intervalMs} ms per client; stopped by ${res.stopReason}):`,
    `${ok} answered 200 with a count, ${bad.length} other statuses, ${conn.length} connection errors, ` +
      `${bodies.length} 200s without the counter's JSON.`,
  ];
  if (bad.length) parts.push(`Statuses: ${tally(bad, (r) => `${r.status}${r.body ? ` "${r.body.slice(0, 140)}"` : ''}`, t0)}.`);
  if (conn.length) parts.push(`Connection errors: ${tally(conn, (r) => r.error ?? '?', t0)}.`);
  const all = countViolations(rs, t0);
  parts.push(
    viol.length
      ? `Counts: ${all.length} violation(s) (${all.filter((v) => v.kind === 'reset').length} resets: sessions lost) ` +
          `in ${viol.length} of ${res.clients} clients; first per client: ${viol.map((v) => v.description).join('; ')}.`
      : 'Counts: every client went up by exactly 1 on every answer.',
  );
  parts.push(
    `Versions seen: ${
      versionsSeen(rs)
        .map((v) => `${v.version} (${v.answers})`)
        .join(', ') || 'none'
    }.`,
  );
  parts.push(
    `Latency: ${windows(res)
      .map((w) => `${w.name} ${fmtLat(latency(rs, w))}`)
      .join('; ')}.`,
  );
  return parts.join(' ');
}
