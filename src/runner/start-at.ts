/**
 * `--start-at-task NAME`: as in Ansible, every task before the first one whose name is NAME (or
 * matches it as an fnmatch glob) is left out, across plays; handlers stay, to run when notified.
 */
import { UsageError } from '../core/errors.ts';
import { globToRegExp } from '../inventory/limit.ts';
import type { Playbook, Task } from '../playbook/types.ts';

/** The playbook from the named task on; unchanged without a name. A name no task has is a UsageError. */
export function startAtTask(pb: Playbook, name: string | undefined): Playbook {
  if (name === undefined) return pb;
  const re = globToRegExp(name);
  let found = false;
  const plays = pb.plays.map((play) => {
    if (found) return play;
    // As Ansible: a role's task matches as `role : task` and by its own name.
    const bare = (t: Task) => (t.role && t.name.startsWith(`${t.role.name} : `) ? t.name.slice(t.role.name.length + 3) : t.name);
    const at = play.tasks.findIndex((t) => !t.implicit && [t.name, bare(t)].some((n) => n === name || re.test(n)));
    if (at < 0) return { ...play, tasks: [] };
    found = true;
    return { ...play, tasks: play.tasks.slice(at) };
  });
  if (!found) {
    throw new UsageError(`--start-at-task: no task named \`${name}\` in ${pb.file}`, {
      hint: 'give a task name as --list-tasks prints it (a glob such as "Install*" also works)',
    });
  }
  return { ...pb, plays };
}
