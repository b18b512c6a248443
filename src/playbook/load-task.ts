/** One task of a playbook (not an import, block or role): its operation and Ansible's task keywords. */
import type { YAMLMap } from 'yaml';
import { closest } from '../inventory/suggest.ts';
import { MODULE_ALIASES, UNSUPPORTED_TASK_KEYWORDS, unsupportedModuleHint } from './ansible-names.ts';
import type { BlockRef, Retry, Task, TaskScope } from './types.ts';
import { at, keyAt, list, playbookError, type Ctx } from './yaml-file.ts';

/** Ansible's task keywords provision reads (`rolling` is ours); any other key is the operation. */
export const TASK_KEYS = [
  'name',
  'when',
  'notify',
  'tags',
  'loop',
  'loop_control',
  'throttle',
  'ignore_errors',
  'listen',
  'rolling',
  'register',
  'changed_when',
  'failed_when',
  'no_log',
  'args',
  'vars',
  'until',
  'retries',
  'delay',
  'become',
  'become_user',
];
/** Operations that take Ansible's free-form string (`command: ls -l`). */
const FREE_FORM = new Set(['command', 'shell']);

/** Where a task is loaded: the block and role around it, and whether it is a handler. */
export interface Env {
  isHandler: boolean;
  block?: BlockRef;
  /** `become`/`become_user` of an enclosing block. */
  become?: { become?: boolean; user?: string };
  /** The role whose tasks/ or handlers/ this is, with the variables its tasks see. */
  role?: { name: string; dir: string; scope: TaskScope };
}

/** The operation a task's key names: provision's own, or an Ansible module name mapped to one. */
export function opName(ctx: Ctx, key: string): string | undefined {
  if (ctx.ops.has(key)) return key;
  const alias = MODULE_ALIASES[key];
  return alias && ctx.ops.has(alias) ? alias : undefined;
}

/** Ansible keywords and modules provision does not run: refused here, at their line, with what to use. */
function refuseUnsupported(ctx: Ctx, node: YAMLMap, raw: Record<string, unknown>): void {
  for (const k of Object.keys(raw)) {
    const hint = UNSUPPORTED_TASK_KEYWORDS[k];
    if (hint) throw playbookError(keyAt(ctx, node, k), `the task keyword \`${k}\` is not supported`, hint);
    const mod = !TASK_KEYS.includes(k) && !opName(ctx, k) ? unsupportedModuleHint(k, [...ctx.ops.keys()]) : undefined;
    if (mod) throw playbookError(keyAt(ctx, node, k), `unknown operation \`${k}\``, mod);
  }
}

/** A mapping of variables (`vars:` of a task, block or role entry), or an error at its key. */
export function varsOf(ctx: Ctx, node: YAMLMap, raw: unknown, key = 'vars'): Record<string, unknown> {
  if (raw === undefined || raw === null) return {};
  if (typeof raw !== 'object' || Array.isArray(raw))
    throw playbookError(keyAt(ctx, node, key), `\`${key}\` must be a mapping of variable names to values`, 'e.g. `vars: { port: 8080 }`');
  return raw as Record<string, unknown>;
}

/** `until` with `retries` (default 3) and `delay` (default 5 s), whole numbers as Ansible takes them. */
function retryOf(ctx: Ctx, node: YAMLMap, raw: Record<string, unknown>): Retry | undefined {
  if (raw.until === undefined) {
    const stray = ['retries', 'delay'].find((k) => raw[k] !== undefined);
    if (stray) throw playbookError(keyAt(ctx, node, stray), `\`${stray}\` needs \`until\``, 'e.g. `until: result.rc == 0`');
    return undefined;
  }
  const num = (k: string, dflt: number, min: number) => {
    const v = raw[k] === undefined ? dflt : typeof raw[k] === 'string' ? Number(raw[k]) : raw[k];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min)
      throw playbookError(keyAt(ctx, node, k), `\`${k}\` must be a whole number ≥ ${min} (got ${JSON.stringify(raw[k])})`);
    return v;
  };
  // As ansible-core 2.14: `retries` is the number of attempts (at least one).
  return { until: raw.until, retries: Math.max(1, num('retries', 3, 0)), delay: num('delay', 5, 0) };
}

export function loadTask(ctx: Ctx, node: YAMLMap, raw: Record<string, unknown>, env: Env): Task {
  const pos = at(ctx, node);
  const isHandler = env.isHandler;
  refuseUnsupported(ctx, node, raw);
  const opKeys = Object.keys(raw).filter((k) => !TASK_KEYS.includes(k));
  if (opKeys.length !== 1) {
    const unknown = opKeys.find((k) => !opName(ctx, k));
    if (opKeys.length === 0)
      throw playbookError(
        pos,
        'task has no operation',
        `add one operation, e.g. \`copy: {dest: /tmp/x, content: hi}\`; known: ${[...ctx.ops.keys()].join(', ')}`,
      );
    if (unknown) {
      const guess = closest(unknown, [...ctx.ops.keys(), ...TASK_KEYS]);
      throw playbookError(
        keyAt(ctx, node, unknown),
        `unknown operation or task keyword \`${unknown}\``,
        guess ? `did you mean \`${guess}\`?` : `known operations: ${[...ctx.ops.keys()].join(', ')}`,
      );
    }
    throw playbookError(pos, `task has several operations (${opKeys.join(', ')})`, 'split it into one task per operation');
  }
  const key = opKeys[0]!;
  const op = opName(ctx, key);
  if (!op) {
    const guess = closest(key, [...ctx.ops.keys(), ...TASK_KEYS]);
    throw playbookError(
      keyAt(ctx, node, key),
      `unknown operation \`${key}\``,
      guess ? `did you mean \`${guess}\`?` : `known operations: ${[...ctx.ops.keys()].join(', ')}`,
    );
  }
  let args = raw[key];
  if (typeof args === 'string' && FREE_FORM.has(op)) args = { cmd: args };
  if (args === null || args === undefined) args = {};
  if (typeof args !== 'object' || Array.isArray(args)) {
    throw playbookError(pos, `arguments of \`${key}\` must be a mapping`, `write them as \`${key}: {key: value}\``);
  }
  // assert's `that:` is bare Jinja2 (as `when:`): evaluated by the templating, like any argument.
  if (op === 'assert' && (args as Record<string, unknown>).that !== undefined) {
    const that = (args as Record<string, unknown>).that;
    const wrap = (x: unknown) => (typeof x === 'string' && !x.includes('{{') ? `{{ (${x}) }}` : x);
    args = { ...(args as object), that: Array.isArray(that) ? that.map(wrap) : [wrap(that)] };
  }
  // Ansible's `args:` keyword: more arguments beside a free-form command.
  if (raw.args && typeof raw.args === 'object') args = { ...(raw.args as object), ...(args as object) };
  if (raw.register !== undefined && (typeof raw.register !== 'string' || !/^[A-Za-z_]\w*$/.test(raw.register)))
    throw playbookError(pos, '`register` must be a variable name', 'e.g. `register: result`');
  const loopControl = (raw.loop_control ?? {}) as Record<string, unknown>;
  const first = Object.values(args as object)[0];
  const own = varsOf(ctx, node, raw.vars);
  const base = env.role?.scope;
  const scope: TaskScope | undefined =
    base || Object.keys(own).length
      ? { defaults: base?.defaults ?? {}, roleVars: base?.roleVars ?? {}, vars: { ...base?.vars, ...own }, params: base?.params ?? {} }
      : undefined;
  const retry = retryOf(ctx, node, raw);
  const become = becomeOf(ctx, node, raw, op, env);
  const bare = typeof raw.name === 'string' ? raw.name : `${op}${typeof first === 'string' && !first.includes('{{') ? ` ${first}` : ''}`;
  // As Ansible shows it: `role : task`; a role's handler is notified by its own name too.
  const name = env.role ? `${env.role.name} : ${bare}` : bare;
  const listen = isHandler ? [...list(raw.listen), ...(env.role ? [bare] : [])] : [];
  return {
    name,
    op,
    when: raw.when,
    notify: list(raw.notify),
    tags: list(raw.tags),
    loop: raw.loop,
    loopVar: typeof loopControl.loop_var === 'string' ? loopControl.loop_var : 'item',
    ...(typeof loopControl.label === 'string' ? { loopLabel: loopControl.label } : {}),
    throttle: typeof raw.throttle === 'number' ? raw.throttle : undefined,
    ignoreErrors: raw.ignore_errors === true,
    ...(typeof raw.register === 'string' ? { register: raw.register } : {}),
    ...(raw.changed_when !== undefined ? { changedWhen: raw.changed_when } : {}),
    ...(raw.failed_when !== undefined ? { failedWhen: raw.failed_when } : {}),
    noLog: raw.no_log === true || raw.no_log === 'true',
    listen,
    ...(raw.rolling !== undefined ? { rolling: rollingOf(ctx, node, raw.rolling, isHandler) } : {}),
    ...(env.role ? { role: { name: env.role.name, dir: env.role.dir } } : {}),
    ...(scope ? { scope } : {}),
    ...(env.block ? { block: env.block } : {}),
    ...(retry ? { retry } : {}),
    ...(become.become ? { become: true } : {}),
    args: become.user === undefined ? (args as Record<string, unknown>) : { ...(args as object), become_user: become.user },
    pos,
  };
}

/**
 * Task-level `become` (or a block's): `true` makes the host's one connection become for the whole
 * run, as a play's does; `false` is refused (every task of a host runs as the same user).
 * `become_user` runs a command or shell as that user; other operations set owners instead.
 */
function becomeOf(ctx: Ctx, node: YAMLMap, raw: Record<string, unknown>, op: string, env: Env): { become: boolean; user?: string } {
  const become = raw.become ?? env.become?.become;
  if (become !== undefined && become !== true && become !== false)
    throw playbookError(keyAt(ctx, node, 'become'), '`become` must be true or false');
  if (become === false)
    throw playbookError(
      keyAt(ctx, node, 'become'),
      '`become: false` on a task is not supported',
      'provision runs every task of a host as the same user: move the task to a play without `become`',
    );
  const user = raw.become_user ?? env.become?.user;
  if (user === undefined) return { become: become === true };
  if (typeof user !== 'string' || !user) throw playbookError(keyAt(ctx, node, 'become_user'), '`become_user` must be a user name');
  if (!FREE_FORM.has(op) && user !== 'root')
    throw playbookError(
      keyAt(ctx, node, raw.become_user !== undefined ? 'become_user' : 'become'),
      `\`become_user\` on \`${op}\` is not supported`,
      'it runs `command`/`shell` as that user; for files, set `owner:`/`group:` (tasks run as the connection’s user)',
    );
  return { become: become === true, user };
}

/** `rolling:` belongs on a handler that restarts a service (see docs/rolling.md); templated per host later. */
function rollingOf(ctx: Ctx, node: YAMLMap, raw: unknown, isHandler: boolean): Record<string, unknown> {
  const keyNode = keyAt(ctx, node, 'rolling');
  if (!isHandler)
    throw playbookError(
      keyNode,
      '`rolling` is a handler keyword',
      'put it on the handler that restarts the service; tasks that notify it then change its files while it is stopped',
    );
  if (!raw || typeof raw !== 'object' || Array.isArray(raw))
    throw playbookError(keyNode, '`rolling` must be a mapping', 'e.g. `rolling: { paths: ["{{ item.home }}"], balancer: {...} }`');
  return raw as Record<string, unknown>;
}
