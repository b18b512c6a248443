/**
 * Lists of tasks as Ansible nests them: `import_tasks`/`include_tasks` files, `block` with
 * `rescue`/`always`, and roles (`roles:` of a play, `import_role`/`include_role`, meta
 * dependencies), all read when the playbook loads into one flat list of tasks, each knowing its
 * block, role and variables (types.ts). Single tasks are load-task.ts's.
 */
import { dirname, resolve } from 'node:path';
import { isMap, isSeq, type YAMLMap } from 'yaml';
import type { SourcePos } from '../core/errors.ts';
import { loadTask, varsOf, type Env } from './load-task.ts';
import { loadMeta, META_KEYS } from './meta.ts';
import { findRole, roleEntry, roleFile, roleSearchDirs, type RoleEntry } from './roles.ts';
import type { BlockRef, Task } from './types.ts';
import { at, keyAt, list, playbookError, readYaml, type Ctx } from './yaml-file.ts';

/** What a play gathers while its tasks load: its roles' handlers and variables, which roles ran. */
export interface PlayAcc {
  /** The playbook's directory (roles/ beside it; relative role paths). */
  baseDir: string;
  rolesPath: string[];
  /** Handlers of the play's roles, in the order the roles are read (before the play's own, as Ansible). */
  handlers: Task[];
  /** Every role's defaults (each after its dependencies'): the play's lowest layer. */
  defaults: Record<string, unknown>;
  /** Every role's vars/main.yml: above the play's vars. */
  roleVars: Record<string, unknown>;
  /** Roles already in the play (directory and parameters): a role runs once, as Ansible's allow_duplicates: false. */
  ran: Set<string>;
  /** Handler files already read. */
  handlerFiles: Set<string>;
  nextBlock: number;
}

export function newPlayAcc(baseDir: string, rolesPath: string[]): PlayAcc {
  return { baseDir, rolesPath, handlers: [], defaults: {}, roleVars: {}, ran: new Set(), handlerFiles: new Set(), nextBlock: 1 };
}

const MAX_DEPTH = 20;

export async function loadTasks(ctx: Ctx, node: unknown, raw: unknown, what: string, env: Env, acc: PlayAcc, depth = 0): Promise<Task[]> {
  if (node === undefined || node === null) return [];
  if (!isSeq(node) || !Array.isArray(raw)) throw playbookError(at(ctx, node), `\`${what}\` must be a list of tasks`);
  const out: Task[] = [];
  for (const [i, t] of node.items.entries()) {
    if (!isMap(t)) throw playbookError(at(ctx, t), `each entry of \`${what}\` must be a task (a mapping)`);
    const r = raw[i] as Record<string, unknown>;
    const roleKey = ROLE_IMPORTS.find((k) => k in r);
    const taskKey = TASK_IMPORTS.find((k) => k in r);
    const metaKey = META_KEYS.find((k) => k in r);
    if (metaKey) out.push(loadMeta(ctx, t, r, metaKey, env));
    else if (taskKey) out.push(...(await importTasks(ctx, t, r, taskKey, what, env, acc, depth)));
    else if (roleKey) out.push(...(await importRole(ctx, t, r, roleKey, env, acc, depth)));
    else if ('block' in r) out.push(...(await blockTasks(ctx, t, r, what, env, acc, depth)));
    else out.push(loadTask(ctx, t, r, env));
  }
  return out;
}

const TASK_IMPORTS = ['import_tasks', 'include_tasks', 'ansible.builtin.import_tasks', 'ansible.builtin.include_tasks'];
/** Keywords an `import_tasks:`/`include_tasks:` entry may carry: applied to every task it brings. */
const IMPORT_KEYS = ['name', 'when', 'tags', 'vars'];

/**
 * `import_tasks:` / `include_tasks:` of a file of tasks (relative to the file that names it), read
 * when the playbook loads: its `when`, `tags` and `vars` apply to each task, as Ansible's static import.
 */
async function importTasks(
  ctx: Ctx,
  node: YAMLMap,
  raw: Record<string, unknown>,
  key: string,
  what: string,
  env: Env,
  acc: PlayAcc,
  depth: number,
) {
  const pos = keyAt(ctx, node, key);
  const extra = Object.keys(raw).find((k) => k !== key && !IMPORT_KEYS.includes(k));
  if (extra)
    throw playbookError(
      pos,
      `\`${key}\` with \`${extra}\` is not supported`,
      'only `when`, `tags` and `vars` apply to the tasks of a file read here',
    );
  if (typeof raw[key] !== 'string' || String(raw[key]).includes('{{'))
    throw playbookError(pos, `\`${key}\` must name a file (no templates)`, 'e.g. `import_tasks: tasks/tomcat.yml`');
  if (depth > MAX_DEPTH) throw playbookError(pos, `\`${key}\` nests more than ${MAX_DEPTH} files deep`, 'is a file importing itself?');
  const { doc, ctx: inner } = await readYaml(resolve(dirname(ctx.file), String(raw[key])), ctx.ops, ctx.vault);
  return inherit(raw, await loadTasks(inner, doc.contents, doc.toJS(), what, env, acc, depth + 1), varsOf(ctx, node, raw.vars));
}

const BLOCK_KEYS = ['name', 'when', 'tags', 'vars', 'become', 'become_user', 'block', 'rescue', 'always'];

/**
 * A `block:`: its tasks with the block's `when`, `tags` and `vars`. With `rescue:`/`always:`, each
 * task knows its part of the block (runner/blocks.ts decides per host which parts run).
 */
async function blockTasks(ctx: Ctx, node: YAMLMap, raw: Record<string, unknown>, what: string, env: Env, acc: PlayAcc, depth: number) {
  const extra = Object.keys(raw).find((k) => !BLOCK_KEYS.includes(k));
  if (extra)
    throw playbookError(
      keyAt(ctx, node, extra),
      `a \`block\` with \`${extra}\` is not supported`,
      'a block takes `when`, `tags`, `vars`, `become`, `become_user`, `rescue` and `always`',
    );
  if (raw.become !== undefined || raw.become_user !== undefined) {
    const b = { ...env.become };
    if (raw.become !== undefined) b.become = raw.become as boolean;
    if (raw.become_user !== undefined) b.user = raw.become_user as string;
    env = { ...env, become: b };
  }
  const load = (part: string, e: Env) => loadTasks(ctx, node.get(part, true), raw[part], part, e, acc, depth + 1);
  if (raw.rescue === undefined && raw.always === undefined) return inherit(raw, await load('block', env), varsOf(ctx, node, raw.vars));
  if (env.isHandler)
    throw playbookError(
      keyAt(ctx, node, raw.rescue !== undefined ? 'rescue' : 'always'),
      'rescue/always in handlers are not supported',
      'use them in `tasks:`',
    );
  const id = acc.nextBlock++;
  const rescue = Array.isArray(raw.rescue) && raw.rescue.length > 0;
  const ref = (part: BlockRef['part']): BlockRef => ({ id, part, rescue, ...(env.block ? { up: env.block } : {}) });
  const tasks = [
    ...(await load('block', { ...env, block: ref('block') })),
    ...(await load('rescue', { ...env, block: ref('rescue') })),
    ...(await load('always', { ...env, block: ref('always') })),
  ];
  return inherit(raw, tasks, varsOf(ctx, node, raw.vars));
}

/**
 * The `when` (ANDed, outer first), `tags` and `vars` (under the task's own) of an import, block or
 * role entry, given to each of its tasks.
 */
export function inherit(raw: { when?: unknown; tags?: unknown }, tasks: Task[], vars: Record<string, unknown> = {}): Task[] {
  const when = raw.when === undefined ? [] : Array.isArray(raw.when) ? raw.when : [raw.when];
  for (const t of tasks) {
    if (when.length) t.when = [...when, ...(t.when === undefined ? [] : Array.isArray(t.when) ? t.when : [t.when])];
    t.tags = [...new Set([...list(raw.tags), ...t.tags])];
    if (Object.keys(vars).length) {
      const s = t.scope ?? { defaults: {}, roleVars: {}, vars: {}, params: {} };
      t.scope = { ...s, vars: { ...vars, ...s.vars } };
    }
  }
  return tasks;
}

const ROLE_IMPORTS = ['import_role', 'include_role', 'ansible.builtin.import_role', 'ansible.builtin.include_role'];
const ROLE_IMPORT_ARGS = ['name', 'tasks_from', 'defaults_from', 'vars_from', 'handlers_from', 'allow_duplicates', 'public'];

/** `import_role:` / `include_role:` (read statically, like include_tasks): the role's tasks here, its handlers in the play. */
async function importRole(ctx: Ctx, node: YAMLMap, raw: Record<string, unknown>, key: string, env: Env, acc: PlayAcc, depth: number) {
  const pos = keyAt(ctx, node, key);
  const extra = Object.keys(raw).find((k) => k !== key && !['name', 'when', 'tags', 'vars'].includes(k));
  if (extra)
    throw playbookError(
      keyAt(ctx, node, extra),
      `\`${key}\` with \`${extra}\` is not supported`,
      'only `when`, `tags` and `vars` apply to an imported role',
    );
  if (env.isHandler)
    throw playbookError(pos, `\`${key}\` in handlers is not supported`, 'import the role in `tasks:`; its handlers join the play');
  const args = raw[key] as Record<string, unknown> | null;
  if (!args || typeof args !== 'object' || typeof args.name !== 'string')
    throw playbookError(pos, `\`${key}\` needs \`name:\` (the role)`, `e.g. \`${key}: { name: tomcat }\``);
  const bad = Object.keys(args).find((k) => !ROLE_IMPORT_ARGS.includes(k));
  if (bad) throw playbookError(pos, `unknown argument \`${bad}\` for \`${key}\``, `it takes: ${ROLE_IMPORT_ARGS.join(', ')}`);
  if (String(args.name).includes('{{')) throw playbookError(pos, `\`${key}\` must name a role (no templates)`);
  const from = (k: string) => (typeof args[k] === 'string' ? String(args[k]) : undefined);
  const entry: RoleEntry = { name: args.name, vars: varsOf(ctx, node, raw.vars), params: {}, tags: [] };
  const role = await readRole(entry, pos, acc, ctx, undefined, depth, { defaults: from('defaults_from'), vars: from('vars_from') });
  expose(acc, role);
  const tasks = await roleTasks(role, [], acc, env, ctx, depth, {
    dedupe: false,
    tasks: from('tasks_from'),
    handlers: from('handlers_from'),
  });
  return inherit(raw, tasks);
}

/** A role read from disk: its defaults, vars and dependencies (meta/main.yml), each a role too. */
export interface RoleNode {
  entry: RoleEntry;
  dir: string;
  defaults: Record<string, unknown>;
  vars: Record<string, unknown>;
  deps: RoleNode[];
  allowDuplicates: boolean;
  pos: SourcePos;
}

async function mapping(file: string | undefined, ctx: Ctx): Promise<Record<string, unknown>> {
  if (!file) return {};
  const { doc, vaulted, ctx: inner } = await readYaml(file, ctx.ops, ctx.vault);
  const v = doc.toJS() as unknown;
  if (v === null || v === undefined) return {};
  if (typeof v !== 'object' || Array.isArray(v)) throw playbookError(at(inner, doc.contents), `${file} must be a mapping of variables`);
  // As vars_files: the text values of a vault-encrypted file are secrets (its `!vault` values are, once decrypted).
  if (vaulted && ctx.vault) secretStrings(v, ctx.vault.revealed);
  return v as Record<string, unknown>;
}

function secretStrings(value: unknown, out: Set<string>): void {
  if (typeof value === 'string') {
    if (value !== '') out.add(value);
  } else if (value && typeof value === 'object') Object.values(value).forEach((x) => secretStrings(x, out));
}

/** Find and read a role: defaults, vars, meta dependencies (recursively). `parentDir`: the role naming it. */
export async function readRole(
  entry: RoleEntry,
  pos: SourcePos,
  acc: PlayAcc,
  ctx: Ctx,
  parentDir: string | undefined,
  depth: number,
  from: { defaults?: string | undefined; vars?: string | undefined } = {},
): Promise<RoleNode> {
  if (depth > MAX_DEPTH) throw playbookError(pos, `roles nest more than ${MAX_DEPTH} deep`, 'does a role depend on itself?');
  const dir = findRole(entry.name, pos, roleSearchDirs(acc.baseDir, acc.rolesPath, parentDir), acc.baseDir);
  const need = (sub: string, name: string | undefined) => {
    const f = roleFile(dir, sub, name);
    if (name && !f) throw playbookError(pos, `role \`${entry.name}\` has no ${sub}/${name}(.yml) in ${dir}`);
    return f;
  };
  const defaults = await mapping(need('defaults', from.defaults), ctx);
  const vars = await mapping(need('vars', from.vars), ctx);
  const deps: RoleNode[] = [];
  let allowDuplicates = false;
  const metaFile = roleFile(dir, 'meta');
  if (metaFile) {
    const { doc, ctx: meta } = await readYaml(metaFile, ctx.ops, ctx.vault);
    const m = (doc.toJS() ?? {}) as Record<string, unknown>;
    allowDuplicates = m.allow_duplicates === true;
    const seq = doc.get('dependencies', true);
    if (m.dependencies !== undefined && m.dependencies !== null && (!isSeq(seq) || !Array.isArray(m.dependencies)))
      throw playbookError(at(meta, seq), '`dependencies` must be a list of roles', 'e.g. `dependencies: [common]`');
    for (const [i, d] of ((m.dependencies as unknown[]) ?? []).entries()) {
      const dpos = at(meta, isSeq(seq) ? seq.items[i] : seq);
      deps.push(await readRole(roleEntry(d, dpos, 'dependencies'), dpos, acc, meta, dir, depth + 1));
    }
  }
  return { entry, dir, defaults, vars, deps, allowDuplicates, pos };
}

/** Every dependency of a role, deepest first (Ansible's get_all_dependencies). */
const allDeps = (r: RoleNode): RoleNode[] => r.deps.flatMap((d) => [...allDeps(d), d]);
const merge = (xs: Record<string, unknown>[]) => Object.assign({}, ...xs) as Record<string, unknown>;

/** A role read by the play (`roles:` or an import): Ansible shows its defaults and vars to the whole play. */
export function expose(acc: PlayAcc, r: RoleNode): void {
  Object.assign(acc.defaults, ...allDeps(r).map((d) => d.defaults), r.defaults);
  Object.assign(acc.roleVars, ...allDeps(r).map((d) => d.vars), r.vars);
}

/**
 * The tasks of a role, after those of its dependencies, each with the variables Ansible gives a
 * task of that role (`chain`: the roles that depend on it, outermost first); its handlers join the play.
 */
export async function roleTasks(
  r: RoleNode,
  chain: RoleNode[],
  acc: PlayAcc,
  env: Env,
  ctx: Ctx,
  depth: number,
  o: { dedupe: boolean; tasks?: string | undefined; handlers?: string | undefined },
): Promise<Task[]> {
  const key = JSON.stringify([r.dir, r.entry.params, r.entry.vars, o.tasks]);
  if (o.dedupe && acc.ran.has(key) && !r.allowDuplicates) return [];
  acc.ran.add(key);
  const out: Task[] = [];
  // The entry's become applies to the role's dependencies too, as Ansible's keywords are inherited.
  const become = r.entry.become || env.become ? { become: { ...env.become, ...r.entry.become } } : {};
  for (const d of r.deps) out.push(...(await roleTasks(d, [...chain, r], acc, { ...env, ...become }, ctx, depth + 1, { dedupe: true })));
  const scope = {
    defaults: merge([...allDeps(r).map((d) => d.defaults), ...chain.map((p) => p.defaults), r.defaults]),
    roleVars: merge([...chain.map((p) => ({ ...p.entry.vars, ...p.vars })), ...allDeps(r).map((d) => d.vars), r.vars, r.entry.vars]),
    vars: {},
    params: merge([...chain.map((p) => p.entry.params), r.entry.params]),
  };
  const name = r.entry.name.split('/').pop()!;
  const roleEnv: Env = { isHandler: false, ...(env.block ? { block: env.block } : {}), ...become, role: { name, dir: r.dir, scope } };
  const tasksFile = roleFile(r.dir, 'tasks', o.tasks);
  if (o.tasks && !tasksFile) throw playbookError(r.pos, `role \`${r.entry.name}\` has no tasks/${o.tasks}(.yml) in ${r.dir}`);
  if (tasksFile) {
    const { doc, ctx: inner } = await readYaml(tasksFile, ctx.ops, ctx.vault);
    out.push(...(await loadTasks(inner, doc.contents, doc.toJS(), 'tasks', roleEnv, acc, depth + 1)));
  }
  const handlersFile = roleFile(r.dir, 'handlers', o.handlers);
  if (handlersFile && !acc.handlerFiles.has(handlersFile)) {
    acc.handlerFiles.add(handlersFile);
    const { doc, ctx: inner } = await readYaml(handlersFile, ctx.ops, ctx.vault);
    const hs = await loadTasks(
      inner,
      doc.contents,
      doc.toJS(),
      'handlers',
      { isHandler: true, ...become, role: roleEnv.role! },
      acc,
      depth + 1,
    );
    acc.handlers.push(...hs);
  }
  return inherit(r.entry, out);
}

/** A play's `roles:`: each role (once per parameters), its dependencies first. */
export async function playRoles(ctx: Ctx, node: unknown, raw: unknown, acc: PlayAcc): Promise<Task[]> {
  if (raw === undefined || raw === null) return [];
  if (!isSeq(node) || !Array.isArray(raw))
    throw playbookError(at(ctx, node), '`roles` must be a list of roles', 'e.g. `roles: [common, tomcat]`');
  const out: Task[] = [];
  for (const [i, item] of raw.entries()) {
    const pos = at(ctx, node.items[i]);
    const role = await readRole(roleEntry(item, pos, 'roles'), pos, acc, ctx, undefined, 0);
    expose(acc, role);
    out.push(...(await roleTasks(role, [], acc, { isHandler: false }, ctx, 0, { dedupe: true })));
  }
  return out;
}
