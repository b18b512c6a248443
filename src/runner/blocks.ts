/**
 * Ansible's `block` / `rescue` / `always` on one host. Tasks stay one flat list (types.ts
 * BlockRef says where each sits); this state decides, task by task, which of them run: after a
 * failure in a block's `block:` part its other tasks there are passed over, its `rescue:` runs
 * (the host is rescued when the rescue itself does not fail) and its `always:` runs in any case.
 * A failure no rescue catches goes on to the enclosing block once this one ends, and past the
 * outermost one the host has failed.
 */
import type { BlockRef, Task } from '../playbook/types.ts';

/** What a task failing on a host means: `rescued` (a rescue catches it), `held` (fails the host once its blocks end), `fatal`. */
export type FailOutcome = 'rescued' | 'held' | 'fatal';

const chain = (ref: BlockRef | undefined): BlockRef[] => (ref ? [ref, ...chain(ref.up)] : []);

export class BlockState {
  /** Blocks with a failure on this host: the block's innermost ref seen, and the part that failed. */
  private readonly failures = new Map<number, { ref: BlockRef; part: BlockRef['part'] }>();

  /** A task failed on the host. */
  fail(task: Task): FailOutcome {
    const ref = task.block;
    if (!ref) return 'fatal';
    const seen = this.failures.get(ref.id);
    if (!seen || order(ref.part) > order(seen.part)) this.failures.set(ref.id, { ref, part: ref.part });
    return chain(ref).some((r) => r.part === 'block' && r.rescue) ? 'rescued' : 'held';
  }

  /**
   * Settle the blocks `task` is outside of (`undefined`: every block, at the end of the play's
   * tasks): true when a failure no rescue caught reached past the outermost one (the host failed).
   */
  settle(task: Task | undefined): boolean {
    const inside = new Set(chain(task?.block).map((r) => r.id));
    let fatal = false;
    for (;;) {
      const done = [...this.failures.entries()].find(([id]) => !inside.has(id));
      if (!done) break;
      const [id, f] = done;
      this.failures.delete(id);
      // Caught: the failure was in `block:` and the rescue did not fail.
      if (f.part === 'block' && f.ref.rescue) continue;
      const up = f.ref.up;
      if (!up) fatal = true;
      else {
        const cur = this.failures.get(up.id);
        if (!cur || order(up.part) > order(cur.part)) this.failures.set(up.id, { ref: up, part: up.part });
      }
    }
    return fatal;
  }

  /** Whether `task` runs on the host, given the failures in the blocks it is in (settle first). */
  runs(task: Task): boolean {
    for (const r of chain(task.block)) {
      const f = this.failures.get(r.id);
      if (!f ? r.part === 'rescue' : order(r.part) <= order(f.part)) return false;
    }
    return true;
  }

  /** Ansible's `ansible_failed_task` / `ansible_failed_result`, for the rescue and always parts. */
  static failedVars(task: Task, result: Record<string, unknown>): Record<string, unknown> {
    const name = task.role && task.name.startsWith(`${task.role.name} : `) ? task.name.slice(task.role.name.length + 3) : task.name;
    return { ansible_failed_task: { name, action: task.op }, ansible_failed_result: result };
  }
}

/** block < rescue < always: after a failure in one part, only the later parts run. */
function order(part: BlockRef['part']): number {
  return part === 'block' ? 0 : part === 'rescue' ? 1 : 2;
}
