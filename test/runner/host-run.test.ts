/**
 * The applier's batching, table-driven: a task's changes travel in as few round trips as a
 * command line allows, each journaled first; a large file goes alone on stdin; the first failure
 * stops the batch and names its change, with the kind's hint, while the changes before it count.
 */
import { describe, expect, it } from 'vitest';
import type { Change } from '../../src/core/change.ts';
import { CommandError } from '../../src/core/errors.ts';
import { FactCache } from '../../src/facts/gather.ts';
import { HostRun } from '../../src/runner/host-run.ts';
import type { Transport } from '../../src/transport/types.ts';

const mkdir = (n: number): Change => ({ kind: 'mkdir', summary: `create /d${n}`, path: `/d${n}` });
const write = (path: string, bytes: number): Change => ({
  kind: 'write',
  summary: `write ${path}`,
  path,
  content: Buffer.alloc(bytes, 'x'),
});

/** A host that answers every change of a script with its exit code (`failAt`: the index that fails). */
function host(failAt?: { index: number; code: number }) {
  const calls: { script: string; stdin?: Buffer }[] = [];
  const t = {
    stats: { roundTrips: 0, connections: 1 },
    async exec(script: string, o: { stdin?: Buffer } = {}) {
      calls.push({ script, ...(o.stdin ? { stdin: o.stdin } : {}) });
      const n = [...script.matchAll(/echo "@@pvc (\d+) \$rc"/g)].length;
      const lines = Array.from({ length: n }, (_, i) => i)
        .filter((i) => !failAt || i < failAt.index)
        .map((i) => `@@pvc ${i} 0`);
      return failAt
        ? { code: failAt.code, stdout: lines.join('\n'), stderr: 'it broke' }
        : { code: 0, stdout: lines.join('\n'), stderr: '' };
    },
  } as unknown as Transport;
  return { calls, h: new HostRun('web1', t, {}, new FactCache(t, 'web1'), 'R1', 'site.yml') };
}

const cases: { name: string; changes: Change[]; roundTrips: number; stdinCalls: number }[] = [
  { name: 'ten small changes: one round trip', changes: Array.from({ length: 10 }, (_, i) => mkdir(i)), roundTrips: 1, stdinCalls: 0 },
  { name: 'small files travel inline', changes: [write('/a', 100), write('/b', 100), mkdir(1)], roundTrips: 1, stdinCalls: 0 },
  {
    name: 'a large file goes alone, on stdin, between the batches around it',
    changes: [mkdir(1), write('/big', 30 * 1024), mkdir(2)],
    roundTrips: 3,
    stdinCalls: 1,
  },
  {
    name: 'a batch stays under the command-line bound',
    changes: Array.from({ length: 6 }, (_, i) => write(`/f${i}`, 20 * 1024)),
    roundTrips: 3,
    stdinCalls: 0,
  },
];

describe('HostRun.applyAll batching', () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_n, c) => {
    const { calls, h } = host();
    await h.applyAll(c.changes, 'task');
    expect(calls).toHaveLength(c.roundTrips);
    expect(calls.filter((x) => x.stdin).length).toBe(c.stdinCalls);
    // The run record is opened once, in the first round trip only.
    expect(calls.filter((x) => x.script.includes('/run.tmp')).length).toBe(1);
    expect(h.closeScript('complete')).toContain('status=complete');
  });

  it("stops at the first failure, naming the change, exit code, stderr and the kind's hint", async () => {
    const { h } = host({ index: 1, code: 3 });
    const err = await h.applyAll([mkdir(1), write('/etc/app.conf', 10), mkdir(2)], 'task').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CommandError);
    expect((err as CommandError).message).toBe('write /etc/app.conf: failed (exit 3): it broke');
    expect((err as CommandError).hint).toBe('the validator rejected the new content; the file was left as it was');
    expect((err as CommandError).host).toBe('web1');
    // The change that succeeded was learned: its directory is known without reading the host.
    expect(h.facts.get({ type: 'file', path: '/d1' })).toMatchObject({ exists: true, type: 'directory' });
  });

  it('no run record is closed when nothing was applied', () => {
    expect(host().h.closeScript('complete')).toBe('');
  });
});
