/**
 * Fault injection on two lab hosts: the run's own SSH connection is killed (its sshd session
 * process, kill -9) after each of 6 different change points. For each: the run is interrupted,
 * its lock is stale and refuses a new run until --break-stale-lock, the rerun converges to the
 * bytes of an uninterrupted run, and rolling back from the cut run restores the pristine bytes.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { readHistory } from '../../src/journal/history.ts';
import { withHosts } from '../../src/journal/hosts.ts';
import { useLab } from '../helpers/lab.ts';
import { apache, cutPlaybook, referenceRun, rollback, run, SITE, snapshot } from './helpers.ts';

const lab = useLab({ profile: 'scale', hosts: 2, services: false });
let pristine = new Map<string, string>();
let converged = new Map<string, string>();
let inventory: string;

/** Cut points (after task n of the 9-task fixture), split over the two hosts so they run in parallel. */
const CUTS: [number, number[]][] = [
  [0, [1, 5, 7]],
  [1, [3, 6, 8]],
];

/** Changes journaled once task n is done (task 7 opens two ports and reloads: three changes). */
const CHANGES_AFTER = [0, 1, 2, 3, 4, 5, 6, 9, 10, 11];

beforeAll(async () => {
  inventory = lab.info.inventoryPath;
  ({ pristine, converged } = await referenceRun(lab, inventory));
}, 300_000);

async function statusOf(host: string, runId: string) {
  return withHosts({ inventory, limit: host }, async ([h]) => (await readHistory(h!.transport!, host)).find((r) => r.id === runId));
}

describe('a run cut at each change point', () => {
  it('the reference run and its rollback leave pristine bytes', async () => {
    for (const h of lab.hosts) expect(await snapshot(lab, h)).toBe(pristine.get(h));
  });

  it.concurrent.each(CUTS)(
    'host %i: interrupted → stale lock → rerun converges → rollback restores pristine',
    async (idx, cuts) => {
      const h = lab.hosts[idx]!;
      for (const n of cuts) {
        const at = `cut after task ${n}`;
        const cut = await run(inventory, cutPlaybook(n), { limit: h });
        expect(cut.exitCode, at).not.toBe(0);
        expect(await statusOf(h, cut.runId), at).toMatchObject({ status: 'interrupted', changed: CHANGES_AFTER[n]! + 1 });

        const refused = await run(inventory, SITE, { limit: h });
        expect(refused.exitCode, at).toBe(2);
        expect(refused.failures, at).toContain(`locked by a run that is no longer connected (run ${cut.runId} by `);
        expect(refused.failures, at).toContain('--break-stale-lock');

        const rerun = await run(inventory, SITE, { limit: h, breakStaleLock: true });
        expect(rerun.exitCode, `${at}: ${rerun.failures}`).toBe(0);
        expect(await snapshot(lab, h), at).toBe(converged.get(h));

        const rb = await rollback(inventory, { limit: h, run: cut.runId });
        expect(rb.exitCode, `${at}: ${JSON.stringify(rb.hosts[0]?.items ?? rb.errors)}`).toBe(0);
        expect(rb.hosts[0]!.plan.runs, at).toEqual([rerun.runId, cut.runId]);
        expect(await snapshot(lab, h), at).toBe(pristine.get(h));
        expect(await apache(lab, h), at).toEqual({ running: true, ports: ['80'] });
        expect(await statusOf(h, cut.runId), at).toMatchObject({ status: 'rolled-back' });
      }
    },
    600_000,
  );

  it('a run cut, then rolled back directly (no rerun), restores pristine bytes', async () => {
    const h = lab.hosts[0]!;
    const cut = await run(inventory, cutPlaybook(4), { limit: h });
    expect(cut.exitCode).not.toBe(0);
    const rb = await rollback(inventory, { limit: h, breakStaleLock: true });
    expect(rb.exitCode, JSON.stringify(rb.hosts[0]?.items ?? rb.errors)).toBe(0);
    expect(rb.target).toBe(cut.runId);
    expect(await snapshot(lab, h)).toBe(pristine.get(h));
  });
});
