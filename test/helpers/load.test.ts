/**
 * The load driver's analysis on synthetic records, the driver itself against a counter on
 * loopback (bounded in count and time), and the app builders (version line, real timestamps, a
 * listener that does not exist).
 */
import { createServer, type Server } from 'node:http';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appDir, appVersion, appWar, appWorkspace, brokenWar, COUNTER_APP, MISSING_LISTENER } from './apps.ts';
import {
  badBodies,
  connectionErrors,
  countViolations,
  firstViolations,
  latency,
  non200,
  startLoad,
  summary,
  versionsSeen,
  windows,
  type LoadRecord,
  type LoadResult,
} from './load.ts';

const T0 = 1_000_000;
/** A client's answers with these counts, one every 100 ms; `null` is a 404, `'x'` a refused connection. */
function client(n: number, counts: (number | null | 'x')[], version = '1', route = 'tomcat1'): LoadRecord[] {
  return counts.map((c, i) => {
    const base = { client: n, seq: i + 1, start: T0 + i * 100, latencyMs: 5 + i };
    if (c === null) return { ...base, status: 404, body: 'HTTP Status 404 – Not Found' };
    if (c === 'x') return { ...base, error: 'ECONNREFUSED: connect ECONNREFUSED 10.0.0.1:80' };
    return { ...base, status: 200, count: c, route, version, sessionId: `S${n}.${route}`, isNew: c === 1 };
  });
}
const result = (records: LoadRecord[], marks: LoadResult['marks'] = []): LoadResult => ({
  records,
  marks,
  startedAt: T0,
  stoppedAt: T0 + 2000,
  clients: 2,
  intervalMs: 100,
  stopReason: 'stop',
});

describe('load analysis', () => {
  it('counts statuses other than 200, connection errors and 200s that are not the counter', () => {
    const rs = [
      ...client(1, [1, 2, null, 3, 'x', 4]),
      { client: 2, seq: 1, start: T0, latencyMs: 3, status: 200, error: 'not the counter JSON', body: '<html>' },
    ];
    expect(non200(rs).map((r) => r.status)).toEqual([404]);
    expect(connectionErrors(rs).map((r) => r.seq)).toEqual([5]);
    expect(badBodies(rs).map((r) => r.client)).toEqual([2]);
  });

  it('accepts counts going up by 1 per answer, skipping over failed requests', () => {
    expect(countViolations([...client(1, [1, 2, 3, null, 4, 'x', 5]), ...client(2, [1, 2])])).toEqual([]);
  });

  it('names a reset, a repeat and a skip, and describes the first offending request per client', () => {
    const rs = [...client(1, [1, 2, 3, null, null, 1, 2]), ...client(2, [1, 2, 2, 4]), ...client(3, [2])];
    const v = countViolations(rs, T0);
    expect(v.map((x) => [x.client, x.kind, x.record.seq])).toEqual([
      [1, 'reset', 6],
      [2, 'repeat', 3],
      [2, 'skip', 4],
      [3, 'skip', 1],
    ]);
    expect(v[0]!.failedBetween).toBe(2);
    expect(v[0]!.description).toBe(
      'client 1 request #6 at +0.5 s: count 1 after count 3 (route tomcat1, version 1), 2 failed request(s) between ' +
        '(reset; route tomcat1, version 1, session S1.tomcat1, a new session)',
    );
    expect(v[3]!.description).toMatch(/^client 3 request #1 at \+0\.0 s: count 2 as its first answer/);
    expect(firstViolations(rs, T0).map((x) => [x.client, x.kind])).toEqual([
      [1, 'reset'],
      [2, 'repeat'],
      [3, 'skip'],
    ]);
  });

  it('lists versions in the order they appeared, with their answer counts', () => {
    const rs = [...client(1, [1, 2, 3], '2'), ...client(2, [1], '1'), ...client(2, [null])];
    expect(versionsSeen(rs)).toEqual([
      { version: '2', answers: 3 },
      { version: '1', answers: 1 },
    ]);
  });

  it('gives nearest-rank p50/p99 for a time window', () => {
    const rs: LoadRecord[] = Array.from({ length: 100 }, (_, i) => ({
      client: 1,
      seq: i + 1,
      start: T0 + i,
      latencyMs: i + 1,
      status: 200,
      count: i + 1,
    }));
    expect(latency(rs)).toEqual({ n: 100, p50: 50, p99: 99, max: 100 });
    expect(latency(rs, { to: T0 + 10 })).toEqual({ n: 10, p50: 5, p99: 10, max: 10 });
    expect(latency(rs, { from: T0 + 90 })).toMatchObject({ n: 10, p50: 95 });
    expect(latency(rs, { from: T0 + 1000 }).n).toBe(0);
  });

  it('cuts windows at the marks', () => {
    expect(
      windows({
        marks: [
          { name: 'run-end', at: 20 },
          { name: 'run-start', at: 10 },
        ],
      }),
    ).toEqual([
      { name: 'before run-start', to: 10 },
      { name: 'run-start → run-end', from: 10, to: 20 },
      { name: 'after run-end', from: 20 },
    ]);
  });

  it('says in one paragraph what the clients saw', () => {
    const rs = [...client(1, [1, 2, null, null, 1]), ...client(2, [1, 2, 'x', 3], '2')];
    const s = summary(result(rs, [{ name: 'run-start', at: T0 + 150 }]));
    expect(s).toContain('2 clients, 9 requests over 2.0 s (one every 100 ms per client; stopped by stop):');
    expect(s).toContain('6 answered 200 with a count, 2 other statuses, 1 connection errors');
    expect(s).toContain('Statuses: 404 "HTTP Status 404 – Not Found" ×2 (first at +0.2 s, client 1).');
    expect(s).toContain('Connection errors: ECONNREFUSED');
    expect(s).toContain('Counts: 1 violation(s) (1 resets: sessions lost) in 1 of 2 clients; first per client: client 1 request #5');
    expect(s).toContain('Versions seen: 1 (3), 2 (3).');
    expect(s).toMatch(/Latency: before run-start p50 5 ms, p99 6 ms, max 6 ms \(n=4\); after run-start/);
    expect(summary(result(client(1, [1, 2])))).toContain('Counts: every client went up by exactly 1 on every answer.');
  });
});

describe('load driver against a counter on loopback', () => {
  let server: Server;
  let url = '';
  const sessions = new Map<string, number>();
  let hits = 0;
  beforeAll(async () => {
    server = createServer((req, res) => {
      hits++;
      // Every 7th request answers 503, to see a status recorded without breaking the session.
      if (hits % 7 === 0) return void res.writeHead(503).end('busy');
      let id = /JSESSIONID=([^;]+)/.exec(req.headers.cookie ?? '')?.[1];
      const isNew = !id;
      if (!id) id = `S${sessions.size + 1}.tomcat1`;
      const count = (sessions.get(id) ?? 0) + 1;
      sessions.set(id, count);
      res.writeHead(200, { 'content-type': 'application/json', ...(isNew ? { 'set-cookie': `JSESSIONID=${id}; Path=/; HttpOnly` } : {}) });
      res.end(JSON.stringify({ count, route: 'tomcat1', sessionId: id, new: isNew, version: '1' }));
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}/counter/`;
  });
  afterAll(() => new Promise<void>((ok) => server.close(() => ok())));

  it('runs clients with their own sessions at a fixed rate until stop()', async () => {
    const load = startLoad({ url, clients: 3, intervalMs: 20, maxDurationMs: 10_000 });
    await load.ready(5, 5000);
    load.mark('run-start');
    await new Promise((r) => setTimeout(r, 100));
    const res = await load.stop();
    expect(res.stopReason).toBe('stop');
    expect(new Set(res.records.map((r) => r.client))).toEqual(new Set([1, 2, 3]));
    expect(new Set(res.records.filter((r) => r.sessionId).map((r) => r.sessionId)).size).toBe(3);
    expect(countViolations(res.records)).toEqual([]);
    expect(non200(res.records).every((r) => r.status === 503 && r.body === 'busy')).toBe(true);
    expect(connectionErrors(res.records)).toEqual([]);
    // Fixed rate: never more than one request per 20 ms per client on average (no bursts to catch up).
    for (const c of [1, 2, 3]) {
      const n = res.records.filter((r) => r.client === c).length;
      expect(n).toBeLessThanOrEqual(Math.floor((res.stoppedAt - res.startedAt) / 20) + 1);
    }
    expect(summary(res)).toContain('3 clients');
  });

  it('stops by itself at maxRequests and at maxDurationMs', async () => {
    const byCount = startLoad({ url, clients: 2, intervalMs: 5, maxRequests: 10, maxDurationMs: 10_000 });
    await new Promise((r) => setTimeout(r, 500));
    const a = await byCount.stop();
    expect(a.stopReason).toBe('maxRequests');
    expect(a.records.length).toBe(10);

    const byTime = startLoad({ url, clients: 2, intervalMs: 50, maxDurationMs: 300 });
    await new Promise((r) => setTimeout(r, 600));
    const n = byTime.records.length;
    await new Promise((r) => setTimeout(r, 200));
    expect(byTime.records.length).toBe(n);
    const b = await byTime.stop();
    expect(b.stopReason).toBe('maxDurationMs');
    expect(b.records.length).toBeLessThanOrEqual(2 * (300 / 50 + 1));
  });

  it('records a refused connection and a timeout as connection errors', async () => {
    const closed = startLoad({ url: 'http://127.0.0.1:1/', clients: 1, intervalMs: 10, maxRequests: 2 });
    await new Promise((r) => setTimeout(r, 200));
    const a = await closed.stop();
    expect(connectionErrors(a.records).length).toBe(2);
    expect(a.records[0]!.error).toMatch(/ECONNREFUSED/);

    const slow = createServer(() => {}); // never answers
    await new Promise<void>((ok) => slow.listen(0, '127.0.0.1', ok));
    const l = startLoad({
      url: `http://127.0.0.1:${(slow.address() as { port: number }).port}/`,
      clients: 1,
      intervalMs: 10,
      maxRequests: 1,
      timeoutMs: 200,
    });
    await new Promise((r) => setTimeout(r, 400));
    const b = await l.stop();
    slow.closeAllConnections();
    slow.close();
    expect(b.records[0]!.error).toBe('no answer within 200 ms');
  });
});

describe('counter app versions', () => {
  const ws = appWorkspace();
  afterAll(() => ws.cleanup());

  it('the example app is version 1 and answers with its version', () => {
    expect(appVersion(COUNTER_APP)).toBe('1');
    expect(readFileSync(join(COUNTER_APP, 'index.jsp'), 'utf8')).toContain('\\"version\\":\\"" + version + "\\"}');
  });

  it('an exploded directory of version N differs from the example by its version line only', () => {
    const dir = appDir(ws.root, '2');
    expect(appVersion(dir)).toBe('2');
    const a = readFileSync(join(COUNTER_APP, 'index.jsp'), 'utf8').split('\n');
    const b = readFileSync(join(dir, 'index.jsp'), 'utf8').split('\n');
    expect(b.filter((l, i) => l !== a[i])).toEqual(['  String version = "2"; // APP-VERSION (test/helpers/apps.ts rewrites this line)']);
  });

  it('a WAR keeps real, current timestamps', () => {
    const before = Date.now();
    const war = readFileSync(appWar(ws.root, "2'"));
    // Local-file-header DOS time/date of the first entry (offsets 10 and 12).
    const time = war.readUInt16LE(10);
    const date = war.readUInt16LE(12);
    const t = new Date(1980 + (date >> 9), ((date >> 5) & 15) - 1, date & 31, time >> 11, (time >> 5) & 63, (time & 31) * 2).getTime();
    expect(Math.abs(t - before)).toBeLessThan(60_000);
    expect(new TextDecoder().decode(unzipSync(war)['index.jsp'])).toContain('String version = "2\'";');
  });

  it('the broken WAR names a listener class that does not exist', () => {
    const entries = unzipSync(readFileSync(brokenWar(ws.root)));
    expect(new TextDecoder().decode(entries['WEB-INF/web.xml'])).toContain(`<listener-class>${MISSING_LISTENER}</listener-class>`);
    expect(new TextDecoder().decode(entries['index.jsp'])).toContain('String version = "3";');
  });
});
