/**
 * `provision verify` on a cluster that runs the operator's own application, not the project's
 * counter app: a plain JSP shop page with no JSON and no counter, deployed with `-e`. verify takes
 * the run's `-e`, says what it probed, and proves replication without the app's help (a session
 * made through Apache is kept, not replaced, by the other instance). It also disproves: a page
 * that makes no session, a stopped instance, a session that was not replicated.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { useLab } from '../helpers/lab.ts';
import { cli } from '../helpers/recipe.ts';

const lab = useLab({ profile: 'recipe' });
const host = () => lab.hosts[0]!;
const inv = () => lab.info.inventoryPath;
let app: string;

/** The operator's app: its web.xml is not distributable (provision adds that), its pages are plain text. */
function shopApp(): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'pv-shop-')), 'shop');
  mkdirSync(join(dir, 'WEB-INF'), { recursive: true });
  writeFileSync(
    join(dir, 'WEB-INF/web.xml'),
    '<?xml version="1.0" encoding="UTF-8"?>\n<web-app xmlns="https://jakarta.ee/xml/ns/jakartaee" version="5.0">\n' +
      '  <display-name>shop</display-name>\n</web-app>\n',
  );
  writeFileSync(join(dir, 'cart.jsp'), '<%@ page contentType="text/plain" %>cart of <%= session.getId() %>\n');
  // A JSP that opts out of sessions: verify must say that it made none.
  writeFileSync(join(dir, 'about.jsp'), '<%@ page contentType="text/plain" session="false" %>about the shop\n');
  return dir;
}

const vars = () => ['-e', `app_src=${app}`, '-e', 'app_name=shop.war', '-e', 'tomcat_check_path=/shop/cart.jsp'];

/** verify, retried while membership settles after a start (heartbeats every 0.5 s); bounded. */
async function verify(extra: string[] = []): Promise<{ code: number; out: string }> {
  let r = await cli(['verify', '-i', inv(), ...vars(), ...extra]);
  for (let n = 0; n < 10 && r.code !== 0; n++) {
    await new Promise((res) => setTimeout(res, 2000));
    r = await cli(['verify', '-i', inv(), ...vars(), ...extra]);
  }
  return r;
}

beforeAll(async () => {
  app = shopApp();
  const r = await cli(['-i', inv(), ...vars()]);
  expect(r.code, r.out).toBe(0);
}, 300_000);

describe('verify with an application that is not the counter app', () => {
  it("passes, naming what it probed, with the run's -e", async () => {
    const r = await verify();
    expect(r.code, r.out).toBe(0);
    expect(r.out).toContain('probed /shop/cart.jsp through http://');
    expect(r.out).toMatch(/answers\s+tomcat1 \S+\s+ok\s+HTTP 200 on \/shop\/cart\.jsp/);
    expect(r.out).toMatch(/session\s+Apache \S+\s+ok\s+HTTP 200, session made on tomcat\d, kept/);
    expect(r.out).toMatch(/session\s+tomcat\d \S+\s+ok\s+keeps the session made on tomcat\d/);
  });

  it('--json gives what was probed and every check', async () => {
    const r = await cli(['verify', '-i', inv(), ...vars(), '--json']);
    expect(r.code, r.out).toBe(0);
    const doc = r.json as unknown as { probed: { path: string; instances: string[] }; checks: { ok: boolean }[] };
    expect(doc.probed.path).toBe('/shop/cart.jsp');
    expect(doc.probed.instances).toHaveLength(2);
    expect(doc.checks.length).toBeGreaterThanOrEqual(6);
    expect(doc.checks.every((c) => c.ok)).toBe(true);
  });

  it('a page that makes no session: says so and what to give instead', async () => {
    const r = await cli(['verify', '-i', inv(), ...vars(), '--url', '/shop/about.jsp']);
    expect(r.code).toBe(2);
    expect(r.out).toMatch(/FAILED\s+HTTP 200 but no JSESSIONID cookie: the application made no session there; give --url/);
  });

  it('a session that is not replicated: the other instance issues a new one, and verify says so', async () => {
    // Cut replication only: membership heartbeats (multicast UDP) go on, the TCP sends to the receivers
    // (ports 4000-4001) are refused at once (a reset) in the host's own namespace, so requests do not wait on the
    // synchronous replication acknowledgement.
    await lab.exec(
      host(),
      'nft add table inet pvtest && nft add chain inet pvtest out "{ type filter hook output priority 0; }" && ' +
        'nft add rule inet pvtest out tcp dport 4000-4001 reject with tcp reset',
    );
    try {
      const r = await cli(['verify', '-i', inv(), ...vars()]);
      expect(r.code).toBe(2);
      expect(r.out).toMatch(/FAILED\s+issued a new session: the one made on tomcat\d was not replicated to it/);
    } finally {
      await lab.exec(host(), 'nft delete table inet pvtest');
    }
    expect((await verify()).code).toBe(0);
  });

  it('a stopped instance fails its checks by name', async () => {
    await lab.exec(
      host(),
      '/opt/tomcat2/bin/shutdown.sh >/dev/null 2>&1; ' +
        'for i in $(seq 60); do pgrep -f "catalina[.]base=/opt/tomcat2 " >/dev/null || break; sleep 0.5; done',
    );
    const r = await cli(['verify', '-i', inv(), ...vars()]);
    expect(r.code).toBe(2);
    expect(r.out).toMatch(/answers\s+tomcat2 \S+\s+FAILED\s+not running/);
  });
});
