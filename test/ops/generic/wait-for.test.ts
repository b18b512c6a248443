/**
 * `wait_for` plans a `wait` change; its script, run by this machine's sh, really waits: for a port a
 * server opens later, for a file that appears, and times out with a message saying what it waited for.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Change } from '../../../src/core/change.ts';
import { changeDef } from '../../../src/host/changes/index.ts';
import { waitForOp } from '../../../src/ops/generic/wait-for.ts';
import { planOp } from './helpers.ts';

async function scriptOf(args: Parameters<typeof waitForOp.plan>[0]): Promise<{ change: Change; script: string }> {
  const plan = await planOp(waitForOp, args, []);
  const change = plan.changes[0]!;
  return { change, script: changeDef(change.kind)!.script(change as never).script };
}

function run(script: string): Promise<{ code: number; stderr: string }> {
  return new Promise((done) => {
    const p = spawn('sh', ['-c', script]);
    let stderr = '';
    p.stderr.on('data', (d) => (stderr += String(d)));
    p.on('close', (code) => done({ code: code ?? 255, stderr }));
  });
}

describe('wait_for', () => {
  it('waits for a port a server opens later', async () => {
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const port = (probe.address() as { port: number }).port;
    await new Promise<void>((r) => probe.close(() => r()));
    const { change, script } = await scriptOf({ port, timeout: 20 });
    expect(change.summary).toBe(`wait for port ${port} on 127.0.0.1 to open`);
    const server = createServer();
    const waiting = run(script);
    setTimeout(() => server.listen(port, '127.0.0.1'), 1500);
    expect(await waiting).toEqual({ code: 0, stderr: '' });
    server.close();
  });

  it('waits for a file to contain a pattern; times out naming what it waited for', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pv-wait-'));
    const path = join(dir, 'log');
    const { script } = await scriptOf({ path, search_regex: 'started in [0-9]+ ms', timeout: 20 });
    const waiting = run(script);
    setTimeout(() => spawn('sh', ['-c', `echo 'Server started in 42 ms' > ${path}`]), 1500);
    expect((await waiting).code).toBe(0);
    const late = await run((await scriptOf({ path: join(dir, 'never'), timeout: 1 })).script);
    expect(late).toEqual({ code: 1, stderr: `timed out after 1s waiting for ${join(dir, 'never')} to exist\n` });
  });

  it('refuses a state that does not fit', async () => {
    await expect(planOp(waitForOp, { port: 80, state: 'absent' }, [])).rejects.toThrow('state absent is for a path');
  });
});
