/**
 * Loads a playbook with source positions, so every problem names file:line:column. Structure is
 * checked here; operation arguments are checked by the operation's JSON schema (validate.ts).
 */
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { isMap, isSeq, LineCounter, parseDocument, type Document, type Node, type YAMLMap } from 'yaml';
import { PlaybookError, type SourcePos } from '../core/errors.ts';
import { closest } from '../inventory/suggest.ts';
import type { OperationDef } from '../ops/types.ts';
import { MODULE_ALIASES, UNSUPPORTED_PLAY_KEYWORDS, UNSUPPORTED_TASK_KEYWORDS, unsupportedModuleHint } from './ansible-names.ts';
import { keyPositions, loadVarsSpec } from './load-vars.ts';
import { markReads } from './reads.ts';
import { unknownNotify } from './notify.ts';
import type { Play, Playbook, Task } from './types.ts';

/** `defaults` is ours: like a role's defaults/main.yml, the lowest precedence (the inventory overrides it). */
const PLAY_KEYS = [
  'name',
  'hosts',
  'defaults',
  'vars',
  'vars_spec',
  'vars_files',
  'tasks',
  'handlers',
  'become',
  'gather_facts',
  'serial',
  'max_fail_percentage',
];
const TASK_KEYS = [
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
];
/** Operations that take Ansible's free-form string (`command: ls -l`). */
const FREE_FORM = new Set(['command', 'shell']);

interface Ctx {
  file: string;
  lc: LineCounter;
  doc: Document;
  ops: Map<string, OperationDef<any>>;
}

function at(ctx: Ctx, node: unknown): SourcePos {
  const range = (node as Node | undefined)?.range;
  if (!range) return { file: ctx.file };
  const { line, col } = ctx.lc.linePos(range[0]);
  return { file: ctx.file, line, column: col };
}

export function playbookError(pos: SourcePos, message: string, hint?: string): PlaybookError {
  const where = pos.line ? `${pos.file}:${pos.line}:${pos.column ?? 1}` : pos.file;
  return new PlaybookError(`${where}: ${message}`, { pos, hint });
}

function list(v: unknown): string[] {
  if (v === undefined || v === null) return [];
  return (Array.isArray(v) ? v : [v]).map(String);
}

/** The operation a task's key names: provision's own, or an Ansible module name mapped to one. */
function opName(ctx: Ctx, key: string): string | undefined {
  if (ctx.ops.has(key)) return key;
  const alias = MODULE_ALIASES[key];
  return alias && ctx.ops.has(alias) ? alias : undefined;
}

/** Ansible keywords and modules provision does not run: refused here, at their line, with what to use. */
function refuseUnsupported(ctx: Ctx, node: YAMLMap, raw: Record<string, unknown>): void {
  const keyAt = (k: string) => at(ctx, node.items.find((p) => (p.key as { value?: unknown }).value === k)?.key);
  for (const k of Object.keys(raw)) {
    const hint = UNSUPPORTED_TASK_KEYWORDS[k];
    if (hint) throw playbookError(keyAt(k), `the task keyword \`${k}\` is not supported`, hint);
    const mod = !TASK_KEYS.includes(k) && !opName(ctx, k) ? unsupportedModuleHint(k, [...ctx.ops.keys()]) : undefined;
    if (mod) throw playbookError(keyAt(k), `unknown operation \`${k}\``, mod);
  }
}

function loadTask(ctx: Ctx, node: YAMLMap, raw: Record<string, unknown>, isHandler: boolean): Task {
  const pos = at(ctx, node);
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
      const keyNode = node.items.find((p) => (p.key as { value?: unknown }).value === unknown)?.key;
      const guess = closest(unknown, [...ctx.ops.keys(), ...TASK_KEYS]);
      throw playbookError(
        at(ctx, keyNode),
        `unknown operation or task keyword \`${unknown}\``,
        guess ? `did you mean \`${guess}\`?` : `known operations: ${[...ctx.ops.keys()].join(', ')}`,
      );
    }
    throw playbookError(pos, `task has several operations (${opKeys.join(', ')})`, 'split it into one task per operation');
  }
  const key = opKeys[0]!;
  const op = opName(ctx, key);
  if (!op) {
    const keyNode = node.items.find((p) => (p.key as { value?: unknown }).value === key)?.key;
    const guess = closest(key, [...ctx.ops.keys(), ...TASK_KEYS]);
    throw playbookError(
      at(ctx, keyNode),
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
  return {
    name: typeof raw.name === 'string' ? raw.name : `${op}${typeof first === 'string' && !first.includes('{{') ? ` ${first}` : ''}`,
    op,
    args: args as Record<string, unknown>,
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
    listen: isHandler ? list(raw.listen) : [],
    ...(raw.rolling !== undefined ? { rolling: rollingOf(ctx, node, raw.rolling, isHandler) } : {}),
    pos,
  };
}

/** `rolling:` belongs on a handler that restarts a service (see docs/rolling.md); templated per host later. */
function rollingOf(ctx: Ctx, node: YAMLMap, raw: unknown, isHandler: boolean): Record<string, unknown> {
  const keyNode = node.items.find((p) => (p.key as { value?: unknown }).value === 'rolling')?.key;
  if (!isHandler)
    throw playbookError(
      at(ctx, keyNode),
      '`rolling` is a handler keyword',
      'put it on the handler that restarts the service; tasks that notify it then change its files while it is stopped',
    );
  if (!raw || typeof raw !== 'object' || Array.isArray(raw))
    throw playbookError(at(ctx, keyNode), '`rolling` must be a mapping', 'e.g. `rolling: { paths: ["{{ item.home }}"], balancer: {...} }`');
  return raw as Record<string, unknown>;
}

/** Ansible's `serial`: a number, a percentage, or a list of them (growing batches). */
function serialOf(ctx: Ctx, node: YAMLMap, raw: unknown): Array<number | string> | undefined {
  if (raw === undefined) return undefined;
  const items = Array.isArray(raw) ? raw : [raw];
  const ok =
    items.length > 0 &&
    items.every(
      (x) => (typeof x === 'number' && Number.isInteger(x) && x > 0) || (typeof x === 'string' && /^(\d+%|\{\{.*\}\})$/.test(x.trim())),
    );
  if (!ok)
    throw playbookError(
      at(ctx, node.get('serial', true)),
      `\`serial\` must be a whole number ≥ 1, a percentage such as "30%", or a list of them (got ${JSON.stringify(raw)})`,
      'e.g. `serial: 1`, `serial: "50%"` or `serial: [1, 5, "100%"]`',
    );
  return items as Array<number | string>;
}

/** Keywords an `import_tasks:`/`include_tasks:` entry may carry: applied to every task it brings. */
const IMPORT_KEYS = ['name', 'when', 'tags', 'import_tasks', 'include_tasks'];

async function loadTasks(ctx: Ctx, node: unknown, raw: unknown, what: string, isHandler: boolean, depth = 0): Promise<Task[]> {
  if (node === undefined || node === null) return [];
  if (!isSeq(node) || !Array.isArray(raw)) throw playbookError(at(ctx, node), `\`${what}\` must be a list of tasks`);
  const out: Task[] = [];
  for (const [i, t] of node.items.entries()) {
    if (!isMap(t)) throw playbookError(at(ctx, t), `each entry of \`${what}\` must be a task (a mapping)`);
    const r = raw[i] as Record<string, unknown>;
    if ('import_tasks' in r || 'include_tasks' in r) out.push(...(await importTasks(ctx, t, r, what, isHandler, depth)));
    else if ('block' in r && !('rescue' in r) && !('always' in r)) out.push(...(await blockTasks(ctx, t, r, what, isHandler, depth)));
    else out.push(loadTask(ctx, t, r, isHandler));
  }
  return out;
}

/**
 * `import_tasks:` / `include_tasks:` of a file of tasks (relative to the file that names it), read
 * when the playbook loads: its `when` and `tags` apply to each task, as Ansible's static import.
 */
async function importTasks(ctx: Ctx, node: YAMLMap, raw: Record<string, unknown>, what: string, isHandler: boolean, depth: number) {
  const key = 'import_tasks' in raw ? 'import_tasks' : 'include_tasks';
  const keyAt = at(ctx, node.items.find((p) => (p.key as { value?: unknown }).value === key)?.key);
  const extra = Object.keys(raw).find((k) => !IMPORT_KEYS.includes(k));
  if (extra)
    throw playbookError(
      keyAt,
      `\`${key}\` with \`${extra}\` is not supported`,
      'only `when` and `tags` apply to the tasks of a file read here',
    );
  if (typeof raw[key] !== 'string' || String(raw[key]).includes('{{'))
    throw playbookError(keyAt, `\`${key}\` must name a file (no templates)`, 'e.g. `import_tasks: tasks/tomcat.yml`');
  if (depth > 10) throw playbookError(keyAt, `\`${key}\` nests more than 10 files deep`, 'is a file importing itself?');
  const { doc, ctx: inner } = await readYaml(resolve(dirname(ctx.file), String(raw[key])), ctx.ops);
  return inherit(raw, await loadTasks(inner, doc.contents, doc.toJS(), what, isHandler, depth + 1));
}

/** A `block:` without rescue/always: its tasks, each with the block's `when` and `tags`. */
async function blockTasks(ctx: Ctx, node: YAMLMap, raw: Record<string, unknown>, what: string, isHandler: boolean, depth: number) {
  const extra = Object.keys(raw).find((k) => !['name', 'when', 'tags', 'block'].includes(k));
  const keyAt = at(ctx, node.items.find((p) => (p.key as { value?: unknown }).value === (extra ?? 'block'))?.key);
  if (extra)
    throw playbookError(keyAt, `a \`block\` with \`${extra}\` is not supported`, 'only `when` and `tags` apply to the tasks of a block');
  return inherit(raw, await loadTasks(ctx, node.get('block', true), raw.block, what, isHandler, depth + 1));
}

/** The `when` (ANDed, outer first) and `tags` of an import or block, given to each of its tasks. */
function inherit(raw: Record<string, unknown>, tasks: Task[]): Task[] {
  const when = raw.when === undefined ? [] : Array.isArray(raw.when) ? raw.when : [raw.when];
  for (const t of tasks) {
    if (when.length) t.when = [...when, ...(t.when === undefined ? [] : Array.isArray(t.when) ? t.when : [t.when])];
    t.tags = [...new Set([...list(raw.tags), ...t.tags])];
  }
  return tasks;
}

/** `raw` is the play as plain data (anchors and merge keys resolved); `node` gives positions. */
async function loadPlay(ctx: Ctx, node: YAMLMap, raw: Record<string, unknown>, baseDir: string): Promise<Play> {
  const pos = at(ctx, node);
  for (const pair of node.items) {
    const key = String((pair.key as { value?: unknown }).value);
    const unsupported = UNSUPPORTED_PLAY_KEYWORDS[key];
    if (unsupported) throw playbookError(at(ctx, pair.key), `the play keyword \`${key}\` is not supported`, unsupported);
    if (!PLAY_KEYS.includes(key)) {
      const guess = closest(key, PLAY_KEYS);
      throw playbookError(
        at(ctx, pair.key),
        `unknown play keyword \`${key}\``,
        guess ? `did you mean \`${guess}\`?` : `a play has: ${PLAY_KEYS.join(', ')}`,
      );
    }
  }
  if (typeof raw.hosts !== 'string') throw playbookError(pos, 'play has no `hosts:`', 'add `hosts: all` or a group name');
  const vars = { ...((raw.vars as Record<string, unknown>) ?? {}) };
  for (const vf of list(raw.vars_files)) {
    const path = resolve(baseDir, vf);
    Object.assign(vars, (await readYaml(path, ctx.ops)).doc.toJS());
  }
  const tasksNode = node.get('tasks', true);
  const handlersNode = node.get('handlers', true);
  const tasks = await loadTasks(ctx, tasksNode, raw.tasks, 'tasks', false);
  const handlers = await loadTasks(ctx, handlersNode, raw.handlers, 'handlers', true);
  const bad = unknownNotify([tasksNode, handlersNode], [tasks, handlers], handlers, (n) => at(ctx, n));
  if (bad) throw playbookError(bad.pos, bad.message, bad.hint);
  const posOf = (n: unknown) => at(ctx, n);
  const spec = loadVarsSpec(node.get('vars_spec', true), raw.vars_spec, ctx.doc, posOf);
  if ('message' in spec) throw playbookError(spec.pos, spec.message, 'see docs/vars-spec.md for the form of a spec');
  return {
    name: typeof raw.name === 'string' ? raw.name : raw.hosts,
    hosts: raw.hosts,
    defaults: { ...((raw.defaults as Record<string, unknown>) ?? {}) },
    ...(typeof raw.become === 'boolean' ? { become: raw.become } : {}),
    gatherFacts: raw.gather_facts !== false && raw.gather_facts !== 'false' && raw.gather_facts !== 'no',
    ...(raw.serial !== undefined ? { serial: serialOf(ctx, node, raw.serial) } : {}),
    ...(raw.max_fail_percentage !== undefined ? { maxFailPercentage: maxFailOf(ctx, node, raw.max_fail_percentage) } : {}),
    vars,
    varsSpec: spec.spec,
    varPos: { ...keyPositions(node.get('defaults', true), ctx.doc, posOf), ...keyPositions(node.get('vars', true), ctx.doc, posOf) },
    tasks,
    handlers,
    pos,
  };
}

function maxFailOf(ctx: Ctx, node: YAMLMap, raw: unknown): number {
  const n = typeof raw === 'string' ? Number(raw.replace(/%$/, '')) : raw;
  if (typeof n !== 'number' || !Number.isFinite(n) || n < 0 || n > 100) {
    throw playbookError(
      at(ctx, node.get('max_fail_percentage', true)),
      `\`max_fail_percentage\` must be a number from 0 to 100 (got ${JSON.stringify(raw)})`,
    );
  }
  return n;
}

async function readYaml(file: string, ops: Map<string, OperationDef<any>>) {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new PlaybookError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? err}`, {
      pos: { file },
      hint: 'check the path',
    });
  }
  const lc = new LineCounter();
  const doc = parseDocument(text, { version: '1.1', lineCounter: lc, prettyErrors: false });
  const err = doc.errors[0];
  if (err) {
    const { line, col } = lc.linePos(err.pos[0]);
    const src = text.split(/\r?\n/)[line - 1] ?? '';
    throw playbookError(
      { file, line, column: col },
      `${err.message.split('\n')[0]}\n  ${src}\n  ${' '.repeat(col - 1)}^`,
      'fix the YAML syntax (indentation, a missing colon or quote)',
    );
  }
  return { doc, ctx: { file, lc, doc, ops } satisfies Ctx };
}

/** Load and structurally check a playbook. */
export async function loadPlaybook(file: string, ops: Map<string, OperationDef<any>>): Promise<Playbook> {
  const { doc, ctx } = await readYaml(file, ops);
  const baseDir = dirname(resolve(file));
  if (!isSeq(doc.contents))
    throw playbookError(at(ctx, doc.contents), 'a playbook is a list of plays', 'start each play with `- hosts: …`');
  const raw = doc.toJS() as Record<string, unknown>[];
  const plays: Play[] = [];
  for (const [i, p] of doc.contents.items.entries()) {
    if (!isMap(p)) throw playbookError(at(ctx, p), 'each play must be a mapping with `hosts:` and `tasks:`');
    plays.push(await loadPlay(ctx, p, raw[i]!, baseDir));
  }
  markReads(plays);
  return { file, baseDir, plays };
}
