/**
 * The applier's batching, table-driven: a task's changes travel in as few round trips as the
 * script's bound allows, each journaled first; a large file's content follows the script on stdin,
 * one per round trip; the first failure stops the batch and names its change, with the kind's
 * hint, while the changes before it count. Changes queued by several tasks go in one script, and a
 * failure names the queue() call (ticket) it belongs to.
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
    name: 'a large file follows the script on stdin, in the round trip of the changes around it',
    changes: [mkdir(1), write('/big', 30 * 1024), mkdir(2)],
    roundTrips: 1,
    stdinCalls: 1,
  },
  {
    name: 'two large files: one on stdin per round trip',
    changes: [write('/big1', 30 * 1024), mkdir(1), write('/big2', 30 * 1024)],
    roundTrips: 2,
    stdinCalls: 2,
  },
  {
    name: 'a batch stays under its bound (512 KiB of script)',
    changes: Array.from({ length: 30 }, (_, i) => write(`/f${i}`, 20 * 1024)),
    roundTrips: 2,
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

  it('changes queued by several tasks are made by one script, journaled in order; a failure names its task', async () => {
    const { calls, h } = host({ index: 3, code: 1 });
    const a = h.queue([mkdir(1), mkdir(2)], 'task A');
    const b = h.queue([write('/etc/b.conf', 10), mkdir(3)], 'task B');
    h.queue([mkdir(4)], 'task C');
    // Learned as if made: the next task plans against them.
    expect(h.facts.get({ type: 'file', path: '/d2' })).toMatchObject({ exists: true, type: 'directory' });
    expect(calls).toHaveLength(0);
    const made: string[] = [];
    const r = await h.flush((ticket, task, summary) => made.push(`${ticket} ${task}: ${summary}`));
    expect(calls).toHaveLength(1);
    expect([...calls[0]!.script.matchAll(/"seq":(\d+),"task":"([^"]+)"/g)].map((m) => `${m[1]} ${m[2]}`)).toEqual([
      '1 task A',
      '2 task A',
      '3 task B',
      '4 task B',
      '5 task C',
    ]);
    expect(made).toEqual([`${a} task A: create /d1`, `${a} task A: create /d2`, `${b} task B: write /etc/b.conf`]);
    expect(r.failed?.ticket).toBe(b);
    expect((r.failed?.error as CommandError).message).toBe('create /d3: failed (exit 1): it broke');
    expect((r.failed?.error as CommandError).task).toBe('task B');
    expect(h.queuedCount).toBe(0);
  });

  it('discarded changes are never sent, and their journal numbers are used by the next changes', async () => {
    const { calls, h } = host();
    h.queue([mkdir(1), mkdir(2)], 'task A');
    h.discard();
    await h.applyAll([mkdir(3)], 'task B');
    expect(calls).toHaveLength(1);
    expect(calls[0]!.script).toContain('"seq":1,"task":"task B"');
    expect(calls[0]!.script).not.toContain('/d1');
  });

  it('no run record is closed when nothing was applied', () => {
    expect(host().h.closeScript('complete')).toBe('');
  });
});
