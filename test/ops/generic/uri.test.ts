/**
 * `uri` plans a request; its script, run by this machine's sh with the real curl against a real
 * HTTP server, passes on an expected status, fails on another, and gives `register:` Ansible's
 * `status`, `content` and `json`.
 */
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { changeDef } from '../../../src/host/changes/index.ts';
import { uriOp, type UriArgs } from '../../../src/ops/generic/uri.ts';
import { uriValue } from '../../../src/runner/task-run.ts';
import { planOp } from './helpers.ts';

let server: Server;
let base = '';
beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/health') return res.writeHead(200, { 'content-type': 'application/json' }).end('{"up": true}');
    if (req.url === '/moved') return res.writeHead(302, { location: '/health' }).end();
    if (req.url === '/auth') return res.writeHead(req.headers['x-token'] === 's3' ? 204 : 401).end();
    res.writeHead(503).end('busy');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(() => server.close());

async function request(args: UriArgs) {
  const plan = await planOp(uriOp, args, []);
  const change = plan.changes[0]!;
  const script = changeDef(change.kind)!.script(change as never).script;
  const r = await new Promise<{ code: number; stdout: string; stderr: string }>((done) => {
    const p = spawn('sh', ['-c', script]);
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += String(d)));
    p.stderr.on('data', (d) => (stderr += String(d)));
    p.on('close', (code) => done({ code: code ?? 255, stdout, stderr }));
  });
  return { ...r, change, value: uriValue([change], r.code === 0 ? r.stdout : r.stderr) };
}

describe('uri', () => {
  it('an expected status passes; the body comes back as content and json', async () => {
    const r = await request({ url: `${base}/health`, return_content: true });
    expect(r.change.summary).toBe(`GET ${base}/health (expect 200)`);
    expect(r.code).toBe(0);
    expect(r.value).toEqual({ url: `${base}/health`, status: 200, content: '{"up": true}', json: { up: true } });
  });

  it('another status fails, and the failure still says which status came', async () => {
    const r = await request({ url: `${base}/busy` });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`GET ${base}/busy: status 503 (curl exit 0), expected 200`);
    expect(r.value.status).toBe(503);
  });

  it('follows a redirect for GET (follow_redirects: safe), sends headers, takes a list of codes', async () => {
    expect((await request({ url: `${base}/moved` })).value.status).toBe(200);
    expect((await request({ url: `${base}/moved`, follow_redirects: 'none', status_code: 302 })).code).toBe(0);
    const auth = await request({ url: `${base}/auth`, headers: { 'X-Token': 's3' }, status_code: [200, 204] });
    expect(auth.value.status).toBe(204);
  });
});
