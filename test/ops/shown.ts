/** A plan as the runner shows it: diffs with the secret arguments masked (operations never mask). */
import type { Change } from '../../src/core/change.ts';
import type { OperationDef, Plan } from '../../src/ops/types.ts';
import { shownDiff, taskMasker } from '../../src/runner/task-run.ts';

export function shown<A>(op: OperationDef<A>, args: A, plan: Plan): Plan {
  const mask = taskMasker(op, args, (s) => s);
  const changes = plan.changes.map((c): Change => {
    const diff = shownDiff(c, mask);
    return diff ? ({ ...c, diff } as Change) : c;
  });
  return { ...plan, changes };
}
