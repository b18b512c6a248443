/**
 * The generated server.xml really starts Debian's Tomcat 10.1 (two instances on loopback, static
 * membership) and the counter app's session survives moving from one instance to the other.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { editServerXml } from '../../../src/ops/tomcat/server-xml.ts';
import { parseTomcatVersion, versionCommand } from '../../../src/ops/tomcat/version.ts';
import { buildCounterWar } from '../../../src/ops/tomcat/build-counter.ts';
import { find, parseXml, setAttr } from '../../../src/xml/index.ts';

const HOME = '/usr/share/tomcat10';
const root = mkdtempSync(join(tmpdir(), 'tc-smoke-'));
const pids: number[] = [];

function freePort(): Promise<number> {
  return new Promise((res) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => res(p));
    });
  });
}

async function waitFor(file: string, pattern: RegExp, ms: number): Promise<string> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    const text = existsSync(file) ? readFileSync(file, 'utf8') : '';
    if (pattern.test(text)) return text;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`${file} did not show ${pattern} within ${ms} ms`);
}

const http: number[] = [];

beforeAll(async () => {
  const version = parseTomcatVersion(execFileSync('sh', ['-c', versionCommand(HOME)]).toString())!;
  const ports = await Promise.all(Array.from({ length: 8 }, freePort));
  const members = [
    { host: '127.0.0.1', port: ports[6]! },
    { host: '127.0.0.1', port: ports[7]! },
  ];
  const src = readFileSync('/etc/tomcat10/server.xml', 'utf8');
  for (const i of [0, 1]) {
    const base = join(root, `t${i + 1}`);
    for (const d of ['logs', 'work', 'temp', 'webapps', 'lib']) mkdirSync(join(base, d), { recursive: true });
    cpSync('/etc/tomcat10', join(base, 'conf'), { recursive: true });
    symlinkSync('/usr/share/java/eclipse-jdt-core.jar', join(base, 'lib', 'ecj.jar'));
    const out = editServerXml(src, 'server.xml', {
      resolved: { shutdown: ports[i * 3]!, http: ports[i * 3 + 1]!, ajp: ports[i * 3 + 2]! },
      ajp: { secret: 'smoke', address: '127.0.0.1' },
      jvmRoute: `tomcat${i + 1}`,
      cluster: { members, receiver: { address: '127.0.0.1', port: members[i]!.port } },
      version,
    });
    const doc = parseXml(out, 'server.xml');
    setAttr(find(doc, 'Server/Service/Connector[@protocol="HTTP/1.1"]')!, 'address', '127.0.0.1');
    writeFileSync(join(base, 'conf', 'server.xml'), doc.serialize());
    buildCounterWar(join(base, 'webapps', 'ROOT.war'));
    const env = {
      ...process.env,
      CATALINA_HOME: HOME,
      CATALINA_BASE: base,
      CATALINA_PID: join(base, 'tomcat.pid'),
      CATALINA_TMPDIR: join(base, 'temp'),
    };
    execFileSync(join(HOME, 'bin', 'catalina.sh'), ['start'], { env, stdio: 'ignore' });
    pids.push(Number(readFileSync(join(base, 'tomcat.pid'), 'utf8')));
    http.push(ports[i * 3 + 1]!);
    // One at a time, as the playbook does: two members starting at once can each wait 60 s for
    // the other's session state (DeltaManager), which the test below counts as an error.
    await waitFor(join(base, 'logs', 'catalina.out'), /Server startup in/, 90_000);
  }
}, 200_000);

afterAll(async () => {
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGTERM');
    } catch {}
  }
  for (
    let n = 0;
    n < 40 &&
    pids.some((p) => {
      try {
        process.kill(p, 0);
        return true;
      } catch {
        return false;
      }
    });
    n++
  )
    await new Promise((r) => setTimeout(r, 500));
});

describe('generated cluster config on a real Tomcat 10.1', () => {
  it('starts both instances with the members joined and no cluster error', () => {
    const log = readFileSync(join(root, 't1', 'logs', 'catalina.out'), 'utf8');
    expect(log).toMatch(/Replication member added/);
    expect(log.split('\n').filter((l) => /SEVERE/.test(l) && !/AprLifecycleListener/.test(l))).toEqual([]);
  });

  it('keeps the counter session when the next request lands on the other instance', async () => {
    let cookie = '';
    const get = async (port: number) => {
      const r = await fetch(`http://127.0.0.1:${port}/`, { headers: cookie ? { cookie } : {}, signal: AbortSignal.timeout(30_000) });
      const set = r.headers.get('set-cookie');
      if (set) cookie = set.split(';')[0]!;
      return (await r.json()) as { count: number; route: string };
    };
    expect(await get(http[0]!)).toMatchObject({ count: 1, route: 'tomcat1' });
    expect(await get(http[0]!)).toMatchObject({ count: 2, route: 'tomcat1' });
    // Replication is asynchronous here (channelSendOptions 8): wait, bounded, until the other
    // instance has the session, reading it without changing it (?read=1, its cookie left alone).
    const seen = async () => {
      const r = await fetch(`http://127.0.0.1:${http[1]!}/?read=1`, { headers: { cookie }, signal: AbortSignal.timeout(30_000) });
      return ((await r.json()) as { count: number }).count;
    };
    await expect.poll(seen, { timeout: 30_000, interval: 100 }).toBe(2);
    expect(await get(http[1]!)).toMatchObject({ count: 3, route: 'tomcat2' });
  });
});
