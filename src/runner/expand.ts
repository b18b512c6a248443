/**
 * Before anything connects: every task of a play is rendered for every host (loops expanded,
 * `when` and tags decided, arguments templated and validated), so bad input stops the run before
 * any host is touched.
 */
import { PlaybookError } from '../core/errors.ts';
import type { OperationDef } from '../ops/types.ts';
import { playbookError } from '../playbook/load.ts';
import type { Task } from '../playbook/types.ts';
import { validateArgs } from '../playbook/validate.ts';
import { scope } from '../vars/lazy-vars.ts';
import { taskVars, topVars } from '../vars/play-vars.ts';
import { isTrue, renderDeep, renderString } from '../vars/template.ts';
import { rollSpecOf, type RollSpec } from './roll-spec.ts';

/** One task as it runs on one host (one item of its loop). */
export interface HostTask {
  task: Task;
  op: OperationDef<any>;
  /** Display name of the task. */
  label: string;
  /** The loop item, as shown in the output. */
  item?: string;
  args: Record<string, unknown>;
  /** Variables for this task (host vars + loop item). */
  vars: Record<string, unknown>;
  /** Why it is skipped, or undefined when it runs. */
  skip?: string;
  /** A rolling handler's unit for this item (see roll.ts). */
  rolling?: RollSpec;
  /**
   * The task reads a variable an earlier task registers: it is expanded when it is reached, with
   * the host's registered results (see register.ts), not before the run.
   */
  later?: (registered: Record<string, unknown>) => HostTask[];
  /** While planning: the task whose output this one waits for (it is skipped in the plan, see register.ts). */
  waitsFor?: string;
}

export interface TagFilter {
  tags: string[];
  skipTags: string[];
}

function tagged(task: Task, f: TagFilter): string | undefined {
  const t = new Set([...task.tags, 'all']);
  if (
    f.tags.length &&
    !f.tags.some((x) => t.has(x) || (x === 'tagged' && task.tags.length > 0) || (x === 'untagged' && task.tags.length === 0))
  ) {
    return `not tagged ${f.tags.join(',')}`;
  }
  if (task.tags.includes('always') && !f.skipTags.includes('always')) return undefined;
  const hit = f.skipTags.find((x) => t.has(x));
  return hit ? `tag ${hit} skipped` : undefined;
}

function fail(task: Task, host: string, err: unknown): never {
  if (err instanceof PlaybookError) throw err;
  throw playbookError(
    task.pos,
    `task "${task.name}" on ${host}: ${(err as Error).message}`,
    "define the variable in the inventory, the play's `vars:`, or --extra-vars",
  );
}

/** Ansible's `omit`: an argument rendered to this is left out, as if it was never written. */
export const OMIT = '__omit_place_holder__provision__';

function dropOmitted<T>(value: T): T {
  if (Array.isArray(value)) return value.filter((x) => x !== OMIT).map(dropOmitted) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, x]) => x !== OMIT)
        .map(([k, x]) => [k, dropOmitted(x)]),
    ) as T;
  }
  return value;
}

function itemLabel(item: unknown): string {
  // A `product`/`zip` pair: each part by its own label (`tomcat1, secret`).
  if (Array.isArray(item)) return item.map(itemLabel).join(', ');
  if (item && typeof item === 'object') {
    const o = item as Record<string, unknown>;
    return String(o.name ?? o.jvmRoute ?? o.home ?? o.id ?? JSON.stringify(item));
  }
  return String(item);
}

/** Expand one task for one host. Throws PlaybookError (with file:line) on bad arguments. */
export function expandTask(
  task: Task,
  op: OperationDef<any>,
  host: string,
  vars: Record<string, unknown>,
  tags: TagFilter,
  registered?: Record<string, unknown>,
): HostTask[] {
  const hostScope = vars;
  vars = taskVars(vars, task.scope);
  const tagSkip = tagged(task, tags);
  if (tagSkip) return [{ task, op, label: task.name, args: {}, vars, skip: tagSkip }];
  if (task.reads?.length && !registered)
    return [{ task, op, label: task.name, args: {}, vars, later: (reg) => expandTask(task, op, host, hostScope, tags, reg) }];
  // As Ansible: set_fact and registered results override play and task vars, never extra vars.
  if (registered) vars = scope({ ...registered, ...topVars(hostScope) }, vars);
  let items: unknown[] | undefined;
  try {
    if (task.loop !== undefined) {
      const loop = typeof task.loop === 'string' ? renderString(task.loop, vars) : renderDeep(task.loop, vars);
      if (!Array.isArray(loop)) throw new Error(`\`loop\` must give a list, got ${JSON.stringify(loop)}`);
      items = loop;
    }
  } catch (err) {
    fail(task, host, err);
  }
  const out: HostTask[] = [];
  for (const item of items ?? [undefined]) {
    const v = items ? scope({ [task.loopVar]: item }, vars) : vars;
    const label = task.name;
    try {
      const shown = items ? (task.loopLabel ? String(renderString(task.loopLabel, v)) : itemLabel(item)) : undefined;
      if (!isTrue(task.when, v)) {
        out.push({ task, op, label, item: shown, args: {}, vars: v, skip: `when: ${JSON.stringify(task.when)} is false` });
        continue;
      }
      const args = dropOmitted(renderDeep(task.args, scope({ omit: OMIT }, v)));
      validateArgs(op, args, task, host);
      const rolling = task.rolling ? rollSpecOf(renderDeep(task.rolling, v)) : undefined;
      out.push({ task, op, label, item: shown, args, vars: v, ...(rolling ? { rolling } : {}) });
    } catch (err) {
      fail(task, host, err);
    }
  }
  return out;
}
