/**
 * Every `notify` names a handler (or a `listen` topic) of its play: Ansible stops with "handler not
 * found"; we stop at load time, at the notify's file:line, with the nearest handler name.
 */
import { isMap, isSeq, type Node, type YAMLMap } from 'yaml';
import type { SourcePos } from '../core/errors.ts';
import { closest } from '../inventory/suggest.ts';
import type { Task } from './types.ts';

/** A name rendered per host (`{{ }}`) cannot be checked before the run. */
const templated = (s: string) => s.includes('{{') || s.includes('{%');

/** The node of each notify entry of a task (the scalar, or each item of a list). */
function notifyNodes(task: unknown): Node[] {
  if (!isMap(task)) return [];
  const n = (task as YAMLMap).get('notify', true) as Node | undefined;
  if (!n) return [];
  return isSeq(n) ? (n.items as Node[]) : [n];
}

/** A notify that no handler answers: where, what, and the nearest handler name. */
export interface NotifyProblem {
  pos: SourcePos;
  message: string;
  hint: string;
}

/** The first notify of the play's tasks or handlers (`lists`, with their YAML nodes) that no handler answers. */
export function unknownNotify(listNodes: unknown[], lists: Task[][], handlers: Task[], at: (node: unknown) => SourcePos) {
  if (handlers.some((h) => templated(h.name) || h.listen.some(templated))) return undefined;
  const names = new Set(handlers.flatMap((h) => [h.name, ...h.listen]));
  for (const [l, tasks] of lists.entries()) {
    const seq = listNodes[l];
    for (const [i, task] of tasks.entries()) {
      // Tasks brought by import_tasks shift the list: use the node only when it is this task's.
      const item = isSeq(seq) ? seq.items[i] : undefined;
      const own = item !== undefined && at(item).line === task.pos.line && at(item).file === task.pos.file;
      const nodes = own ? notifyNodes(item) : [];
      const j = task.notify.findIndex((name) => !names.has(name) && !templated(name));
      if (j < 0) continue;
      const name = task.notify[j]!;
      const guess = closest(name, names);
      const known = [...names].map((n) => `\`${n}\``).join(', ');
      const problem: NotifyProblem = {
        pos: nodes[j] ? at(nodes[j]) : task.pos,
        message: `task \`${task.name}\` notifies \`${name}\`, but no handler of this play has that name or listens to it`,
        hint: guess
          ? `did you mean \`${guess}\`?`
          : names.size
            ? `the play's handlers are ${known}`
            : 'add a `handlers:` section to the play with a handler of that name',
      };
      return problem;
    }
  }
  return undefined;
}
