/**
 * Ansible's `meta:` tasks provision runs: `flush_handlers` (the notified handlers run here, as at
 * the end of `pre_tasks`, of `roles`+`tasks` and of `post_tasks`), `end_host` (the host is done with
 * the play, not failed; its notified handlers do not run) and `noop`. Every other action is refused
 * at its line. The runner (runner/play.ts, runner/plan.ts) acts on `Task.meta`.
 */
import type { YAMLMap } from 'yaml';
import type { SourcePos } from '../core/errors.ts';
import { defineOperation } from '../ops/types.ts';
import type { Env } from './load-task.ts';
import type { MetaAction, Task } from './types.ts';
import { at, keyAt, list, playbookError, type Ctx } from './yaml-file.ts';

export const META_KEYS = ['meta', 'ansible.builtin.meta'];
const ACTIONS: MetaAction[] = ['flush_handlers', 'end_host', 'noop'];
/** Keywords a meta task may carry. */
const KEYS = ['name', 'when', 'tags'];

/** Ansible's other meta actions, each with what to write instead. */
const REFUSED: Record<string, string> = {
  end_play: 'write `meta: end_host` (with a `when:` that holds on every host to end the play for all of them); end_play is not supported',
  end_batch: 'write `meta: end_host`; end_batch is not supported',
  end_role: 'put the rest of the role under a `when:` (end_role is not supported)',
  clear_host_errors: 'use `ignore_errors: true` or a `rescue:` on the tasks that may fail',
  clear_facts: 'facts are gathered once per run (clear_facts is not supported)',
  refresh_inventory: 'the inventory is read once per run: split the playbook in two runs',
  reset_connection: 'each host keeps one connection for the whole run (reset_connection is not supported)',
};

/** The no-op operation a meta task is expanded with (tags and `when` decided like any task's). */
export const META_OP = defineOperation<Record<string, never>>({
  name: 'meta',
  schema: { type: 'object', additionalProperties: false, properties: {} },
  facts: () => [],
  plan: () => ({ changes: [], okMessage: 'meta' }),
});

/** A `meta:` task, or an error at its line naming what to write instead. */
export function loadMeta(ctx: Ctx, node: YAMLMap, raw: Record<string, unknown>, key: string, env: Env): Task {
  const pos = keyAt(ctx, node, key);
  const action = raw[key];
  if (typeof action !== 'string')
    throw playbookError(
      pos,
      `\`${key}\` takes the name of an action`,
      `e.g. \`${key}: flush_handlers\`; provision runs ${ACTIONS.join(', ')}`,
    );
  if (REFUSED[action]) throw playbookError(pos, `\`${key}: ${action}\` is not supported`, REFUSED[action]);
  if (!ACTIONS.includes(action as MetaAction))
    throw playbookError(pos, `unknown meta action \`${action}\``, `provision runs ${ACTIONS.join(', ')} (see docs/ansible.md)`);
  const extra = Object.keys(raw).find((k) => k !== key && !KEYS.includes(k));
  if (extra)
    throw playbookError(
      keyAt(ctx, node, extra),
      `\`${key}\` with \`${extra}\` is not supported`,
      'a meta task takes `name`, `when` and `tags`',
    );
  if (env.isHandler && action !== 'noop')
    throw playbookError(pos, `\`${key}: ${action}\` in handlers is not supported`, 'put it in `tasks:`');
  // As ansible-playbook shows it: a named one of a role as `role : name`, an unnamed one as its key alone.
  const name = typeof raw.name !== 'string' ? key : env.role ? `${env.role.name} : ${raw.name}` : raw.name;
  return metaTask(action as MetaAction, name, at(ctx, node), {
    when: raw.when,
    tags: list(raw.tags),
    ...(env.role ? { role: { name: env.role.name, dir: env.role.dir } } : {}),
    ...(env.block ? { block: env.block } : {}),
  });
}

/** A meta task; `implicit`: one of the flushes Ansible adds after pre_tasks, tasks and post_tasks (never listed, never tagged out). */
export function metaTask(action: MetaAction, name: string, pos: SourcePos, o: Partial<Task> = {}): Task {
  return {
    notify: [],
    tags: [],
    loopVar: 'item',
    ignoreErrors: false,
    noLog: false,
    listen: [],
    args: {},
    ...o,
    name,
    op: 'meta',
    meta: action,
    pos,
  };
}
