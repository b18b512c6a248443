import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { fact, type FileFact } from '../../../src/facts/types.ts';
import { xmlOp, type XmlArgs } from '../../../src/ops/generic/xml.ts';
import { absentFact, afterWrite, fileFact, planOp, schemaErrors } from './helpers.ts';

const FIX = fileURLToPath(new URL('../../fixtures/generic/', import.meta.url));
const P = '/opt/tomcat2/conf/server.xml';

async function edit(text: string, args: Omit<XmlArgs, 'path'>): Promise<string> {
  const before: FileFact = fileFact(P, text);
  const plan = await planOp(xmlOp, { path: P, ...args }, [[fact.file(P, true), before]]);
  if (plan.changes.length === 0) return text;
  return afterWrite(before, plan.changes[0]!).content!.toString();
}

/** The recipe's second instance: ports, route, cluster, minus the access log. */
const serverTasks: Omit<XmlArgs, 'path'>[] = [
  { xpath: '/Server', attribute: 'port', value: 8006 },
  { xpath: '/Server/Service/Connector[@protocol="HTTP/1.1"]', attribute: 'port', value: '8081' },
  { xpath: '/Server/Service/Engine', attribute: 'jvmRoute', value: 'tomcat2' },
  {
    xpath: '/Server/Service/Engine',
    add_children: [{ Cluster: { className: 'org.apache.catalina.ha.tcp.SimpleTcpCluster', channelSendOptions: 8 } }],
  },
  { xpath: '/Server/Service/Engine/Host/Valve[@className="org.apache.catalina.valves.AccessLogValve"]', state: 'absent' },
];

describe('xml', () => {
  it("edits Tomcat's real server.xml like the golden file, then a second run changes nothing", async () => {
    let text = readFileSync(`${FIX}server.xml.before`, 'utf8');
    for (const t of serverTasks) text = await edit(text, t);
    expect(text).toBe(readFileSync(`${FIX}server.xml.after`, 'utf8'));
    for (const t of serverTasks) {
      const plan = await planOp(xmlOp, { path: P, ...t }, [[fact.file(P, true), fileFact(P, text)]]);
      expect(plan.changes).toEqual([]);
    }
  });

  it('creates <distributable/> in a web.xml once (recipe step 8), with a diff of one line', async () => {
    const before = readFileSync(`${FIX}web.xml.before`, 'utf8');
    const W = '/opt/tomcat/webapps/app/WEB-INF/web.xml';
    const plan = await planOp(xmlOp, { path: W, xpath: '/web-app/distributable' }, [[fact.file(W, true), fileFact(W, before)]]);
    expect(plan.changes).toEqual([
      expect.objectContaining({ kind: 'write', path: W, summary: expect.stringContaining('created /web-app/distributable') }),
    ]);
    const after = afterWrite(fileFact(W, before), plan.changes[0]!);
    expect(after.content!.toString()).toBe(before.replace('  </welcome-file-list>\n', '  </welcome-file-list>\n  <distributable/>\n'));
    const again = await planOp(xmlOp, { path: W, xpath: '/web-app/distributable' }, [[fact.file(W, true), after]]);
    expect(again).toEqual({ changes: [], okMessage: `${W}: /web-app/distributable exists` });
  });

  it('creates a missing element from its predicates, then sets the attribute', async () => {
    const out = await edit('<Server>\n  <Service>\n  </Service>\n</Server>\n', {
      xpath: '/Server/Service/Connector[@protocol="AJP/1.3"]',
      attribute: 'port',
      value: 8010,
    });
    expect(out).toBe('<Server>\n  <Service>\n    <Connector protocol="AJP/1.3" port="8010"/>\n  </Service>\n</Server>\n');
  });

  it('sets element text, and says why it is ok afterwards', async () => {
    const out = await edit('<a>\n  <b/>\n  <c>old</c>\n</a>\n', { xpath: '/a/b', value: 'x & y' });
    expect(out).toBe('<a>\n  <b>x &amp; y</b>\n  <c>old</c>\n</a>\n');
    expect(await edit(out, { xpath: '/a/c', value: 'new' })).toBe('<a>\n  <b>x &amp; y</b>\n  <c>new</c>\n</a>\n');
    const ok = await planOp(xmlOp, { path: P, xpath: '/a/b', value: 'x & y' }, [[fact.file(P, true), fileFact(P, out)]]);
    expect(ok.okMessage).toBe(`${P}: /a/b has text "x & y"`);
  });

  it('removes an attribute, and is ok when it is already gone', async () => {
    const out = await edit('<a><b x="1" y="2"/></a>', { xpath: '/a/b', attribute: 'x', state: 'absent' });
    expect(out).toBe('<a><b y="2"/></a>');
    const ok = await planOp(xmlOp, { path: P, xpath: '/a/b', attribute: 'x', state: 'absent' }, [[fact.file(P, true), fileFact(P, out)]]);
    expect(ok.okMessage).toBe(`${P}: no /a/b has x`);
  });

  it('add_children accepts names and XML text, adding only what is missing', async () => {
    const once = await edit('<a>\n  <b/>\n</a>\n', { xpath: '/a', add_children: ['b', 'c', '<d k="v">\n  <e/>\n</d>'] });
    expect(once).toBe('<a>\n  <b/>\n  <c/>\n  <d k="v">\n    <e/>\n  </d>\n</a>\n');
    expect(await edit(once, { xpath: '/a', add_children: ['b', 'c', '<d k="v"><e/></d>'] })).toBe(once);
  });

  it('fails with hints: missing file, uncreatable element, unsupported xpath, broken XML', async () => {
    await expect(planOp(xmlOp, { path: P, xpath: '/a' }, [[fact.file(P, true), absentFact(P)]])).rejects.toMatchObject({
      message: `${P} does not exist`,
    });
    await expect(edit('<a/>', { xpath: '/a/b/c' })).rejects.toMatchObject({ hint: expect.stringContaining('parent a/b does not exist') });
    await expect(edit('<a/>', { xpath: '//b' })).rejects.toMatchObject({
      message: expect.stringContaining('is not supported'),
      hint: expect.stringContaining('no //'),
    });
    await expect(edit('<a>\n<b></a>', { xpath: '/a' })).rejects.toMatchObject({ message: expect.stringContaining(`${P}:2:`) });
  });

  it('schema: path and xpath required; attribute needs value unless absent; no typos', () => {
    expect(schemaErrors(xmlOp, { path: P })).toEqual(expect.arrayContaining([expect.stringContaining("required property 'xpath'")]));
    expect(schemaErrors(xmlOp, { path: P, xpath: '/a', attribute: 'x' })).not.toBeNull();
    expect(schemaErrors(xmlOp, { path: P, xpath: '/a', attribute: 'x', state: 'absent' })).toBeNull();
    expect(schemaErrors(xmlOp, { path: P, xpath: '/a', value: 'v', state: 'absent' })).not.toBeNull();
    expect(schemaErrors(xmlOp, { path: P, xpath: '/a', attribute: 'x', valu: 'y' })).not.toBeNull();
    expect(schemaErrors(xmlOp, { path: P, xpath: '/a', add_children: [{ b: { k: 1 } }, 'c'] })).toBeNull();
  });
});

describe('xml count (community.general.xml `count: true`, for `register`)', () => {
  it('counts the matches and changes nothing; the count is the result', async () => {
    const text = '<Server><Service><Engine><Cluster/></Engine></Service></Server>\n';
    const plan = await planOp(xmlOp, { path: P, xpath: '/Server/Service/Engine/Cluster', count: true }, [
      [fact.file(P, true), fileFact(P, text)],
    ]);
    expect(plan).toMatchObject({ changes: [], result: { count: 1 } });
    const none = await planOp(xmlOp, { path: P, xpath: '/Server/Service/Engine/Valve', count: true }, [
      [fact.file(P, true), fileFact(P, text)],
    ]);
    expect(none.result).toEqual({ count: 0 });
  });

  it('input_type: xml takes add_children as XML text', async () => {
    const text = '<Server><Service><Engine></Engine></Service></Server>\n';
    const out = await edit(text, { xpath: '/Server/Service/Engine', input_type: 'xml', add_children: ['<Cluster className="x"/>'] });
    expect(out).toContain('<Cluster className="x"/>');
    expect(schemaErrors(xmlOp, { path: P, xpath: '/Server', input_type: 'json' })).not.toBeNull();
  });
});
