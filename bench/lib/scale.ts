/**
 * provision alone at many hosts (100 by default): sshd-only `scale` lab hosts, one converge (the
 * first run at that count), then idempotent reruns with the control process tree's memory sampled.
 * Ansible is left out here: at 100 hosts its reruns would take ~7 minutes each on this machine.
 */
import { labDown, labUp, type LabOptions } from '../../src/lab/index.ts';
import { writeInventory } from './labs.ts';
import { problem, runProvision, type Scenario, type ToolRun } from './tools.ts';

/** What the many-hosts point measured. */
export interface ScalePoint {
  hosts: number;
  /** The converge on pristine hosts (counts only if every host changed and none failed). */
  first?: ToolRun;
  reruns: ToolRun[];
  /** RSS of `provision --help` (KiB): what the process holds before any host. */
  baseRssKb: number;
}

/** Hard bounds: the lab and each run must end. */
export const SCALE_MAX_HOSTS = 150;
const RUN_TIMEOUT_MS = 600_000;

/**
 * Bring `hosts` scale hosts up on `lab` (taking down whatever lab of that name was up), converge,
 * rerun `reps` times, take the lab down. Problems go to `problems`; runs that fail a check are left out.
 */
export async function scalePoint(o: {
  lab: LabOptions;
  hosts: number;
  reps: number;
  scenario: Scenario;
  hostVars: (host: string) => Record<string, unknown>;
  baseRssKb: number;
  problems: string[];
  log: (s: string) => void;
}): Promise<ScalePoint> {
  const n = Math.min(o.hosts, SCALE_MAX_HOSTS);
  const out: ScalePoint = { hosts: n, reruns: [], baseRssKb: o.baseRssKb };
  await labDown(o.lab);
  try {
    o.log(`scale: ${n} hosts up`);
    const info = await labUp({ ...o.lab, profile: 'scale', hosts: n, services: false });
    const inv = writeInventory(info, n, o.hostVars);
    const first = await runProvision(inv, o.scenario, n, { timeoutMs: RUN_TIMEOUT_MS, sampleTreeMs: 100 });
    const p1 = problem(first, n, false);
    o.log(`scale: first run ${n} hosts: ${(first.ms / 1000).toFixed(2)} s${p1 ? ` ✗ ${p1}` : ''}`);
    if (p1) o.problems.push(`scale first run ${n}: ${p1}`);
    else out.first = first;
    for (let i = 0; i < Math.min(o.reps, 5); i++) {
      const r = await runProvision(inv, o.scenario, n, { timeoutMs: RUN_TIMEOUT_MS, sampleTreeMs: 100 });
      const p = problem(r, n, true);
      o.log(
        `scale: rerun ${n} hosts #${i + 1}: ${(r.ms / 1000).toFixed(2)} s, ` +
          `peak RSS ${(r.maxRssKb / 1024).toFixed(0)} MiB${p ? ` ✗ ${p}` : ''}`,
      );
      if (p) o.problems.push(`scale rerun ${n} #${i + 1}: ${p}`);
      else out.reruns.push(r);
    }
  } finally {
    await labDown(o.lab).catch(() => undefined);
  }
  return out;
}

/** Control memory per host (MiB): peak RSS less the `--help` process's, over the hosts. */
export const mibPerHost = (rssKb: number, baseKb: number, hosts: number): number => (rssKb - baseKb) / 1024 / Math.max(1, hosts);
