/**
 * `--step --check`, as ansible-playbook: each task and handler of the plan is asked before it is
 * reported. A row answered `n` is left out, and the run is planned again without it (from the
 * facts read at the start, no new round trip unless a task now needs another fact), so the rows
 * after it say what they would do on the host as it is, not as the skipped task would leave it.
 */
import type { FactCache } from '../facts/gather.ts';
import type { HostRun } from './host-run.ts';
import { reportRow, rowHosts } from './play.ts';
import { planRun, type PlanOutcome, type PlayRun } from './plan.ts';
import type { RunEmitter } from './events.ts';
import { describe, type StepMode } from './step-mode.ts';
import type { Masker } from './task-run.ts';

/** Ask and report the plan row by row; true when the answers ended (stdin at EOF) before the end. */
export async function stepThroughPlan(
  plays: PlayRun[],
  hosts: HostRun[],
  first: PlanOutcome,
  /** Each host's facts and registered variables as read, before the first plan. */
  base: Map<HostRun, { facts: FactCache; registered: Record<string, unknown> }>,
  stepper: StepMode,
  o: { forks: number; mask: Masker; emitter: RunEmitter },
): Promise<boolean> {
  const skip = new Set<string>();
  let plan = first;
  for (const [k, p] of plays.entries()) {
    o.emitter.emit('play:start', { play: p.play.name, hosts: p.hosts.map((h) => h.name), check: true });
    for (let i = 0; i < Math.max(0, ...[...plan.rows[k]!.values()].map((r) => r.length)); i++) {
      const forRow = rowHosts(p, plan.rows[k]!, i);
      if (!forRow.length) continue;
      const row = forRow[0]!.row;
      const said = forRow.map(({ h, row: r }) => ({ host: h.name, text: describe(r.results) }));
      const answer = await stepper.question(said, row.name, row.handler);
      if (answer === 'stop') return true;
      if (answer === 'skip') {
        skip.add(`${k}:${i}`);
        for (const [h, b] of base) {
          h.facts = b.facts;
          for (const key of Object.keys(h.registered)) delete h.registered[key];
          Object.assign(h.registered, b.registered);
        }
        plan = await planRun(plays, hosts, { forks: o.forks, mask: o.mask, check: true, skip });
        continue;
      }
      reportRow(p, plan.rows[k]!, i, { emitter: o.emitter, check: true });
    }
  }
  return false;
}
