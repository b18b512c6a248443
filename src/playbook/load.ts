/**
 * Loads a playbook with source positions, so every problem names file:line:column: its plays (and
 * `import_playbook` entries), each play's keywords, roles and tasks. Structure is checked here;
 * tasks are load-tasks.ts's and load-task.ts's; operation arguments are checked by the
 * operation's JSON schema (validate.ts).
 */
import { dirname, resolve } from 'node:path';
import { isMap, isSeq, type YAMLMap } from 'yaml';
import { closest } from '../inventory/suggest.ts';
import { readVarsFile } from '../inventory/vars-dirs.ts';
import type { VaultKeyring } from '../inventory/vault.ts';
import type { OperationDef } from '../ops/types.ts';
import { UNSUPPORTED_PLAY_KEYWORDS } from './ansible-names.ts';
import { keyPositions, loadVarsSpec } from './load-vars.ts';
import { loadTasks, newPlayAcc, playRoles } from './load-tasks.ts';
import { markReads } from './reads.ts';
import { metaTask } from './meta.ts';
import { unknownNotify } from './notify.ts';
import { DEFAULT_ROLES_PATH } from './roles.ts';
import type { Play, Playbook } from './types.ts';
import { at, keyAt, list, playbookError, readYaml, type Ctx } from './yaml-file.ts';

export { playbookError } from './yaml-file.ts';

/** `defaults` is ours: like a role's defaults/main.yml, the lowest precedence (the inventory overrides it). */
const PLAY_KEYS = [
  'name',
  'hosts',
  'defaults',
  'vars',
  'vars_spec',
  'vars_files',
  'pre_tasks',
  'roles',
  'tasks',
  'post_tasks',
  'handlers',
  'become',
  'gather_facts',
  'serial',
  'max_fail_percentage',
];

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

/** `raw` is the play as plain data (anchors and merge keys resolved); `node` gives positions. */
async function loadPlay(
  ctx: Ctx,
  node: YAMLMap,
  raw: Record<string, unknown>,
  baseDir: string,
  o: Required<Pick<LoadOptions, 'rolesPath'>> & LoadOptions,
): Promise<Play> {
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
  // As inventory vars files: a vault-encrypted file or `!vault` values are decrypted, their text values are secrets.
  for (const vf of list(raw.vars_files)) {
    for (const [k, v] of await readVarsFile(resolve(baseDir, vf), o.vault)) vars[k] = v.value;
  }
  const acc = newPlayAcc(baseDir, o.rolesPath);
  const part = (k: string) => loadTasks(ctx, node.get(k, true), raw[k], k, { isHandler: false }, acc);
  const flush = (after: string) => metaTask('flush_handlers', `flush handlers after ${after}`, pos, { implicit: true });
  // As Ansible: pre_tasks, a flush of the notified handlers, the roles' tasks, `tasks:`, a flush,
  // post_tasks, a flush (the batch's last, runner/play.ts); the roles' handlers come before `handlers:`.
  const pre = await part('pre_tasks');
  const main = [...(await playRoles(ctx, node.get('roles', true), raw.roles, acc)), ...(await part('tasks'))];
  const post = await part('post_tasks');
  const tasks = [...pre, ...(pre.length ? [flush('pre_tasks')] : []), ...main, ...(post.length ? [flush('tasks'), ...post] : [])];
  const handlersNode = node.get('handlers', true);
  const handlers = [...acc.handlers, ...(await loadTasks(ctx, handlersNode, raw.handlers, 'handlers', { isHandler: true }, acc))];
  const nodes = ['pre_tasks', 'tasks', 'post_tasks'].map((k) => node.get(k, true));
  const bad = unknownNotify([...nodes, handlersNode], [pre, main, post, handlers], handlers, (n) => at(ctx, n));
  if (bad) throw playbookError(bad.pos, bad.message, bad.hint);
  const ender = tasks.find((t) => t.meta === 'end_host');
  if (ender && handlers.some((h) => h.rolling))
    throw playbookError(
      ender.pos,
      '`meta: end_host` in a play with a `rolling:` handler is not supported',
      'the file changes a rolling restart holds back would never be made: put the rolling restart in a play of its own',
    );
  const posOf = (n: unknown) => at(ctx, n);
  const spec = loadVarsSpec(node.get('vars_spec', true), raw.vars_spec, ctx.doc, posOf);
  if ('message' in spec) throw playbookError(spec.pos, spec.message, 'see docs/vars-spec.md for the form of a spec');
  return {
    name: typeof raw.name === 'string' ? raw.name : raw.hosts,
    hosts: raw.hosts,
    defaults: { ...((raw.defaults as Record<string, unknown>) ?? {}), ...acc.defaults },
    ...(typeof raw.become === 'boolean' ? { become: raw.become } : {}),
    gatherFacts: raw.gather_facts !== false && raw.gather_facts !== 'false' && raw.gather_facts !== 'no',
    ...(raw.serial !== undefined ? { serial: serialOf(ctx, node, raw.serial) } : {}),
    ...(raw.max_fail_percentage !== undefined ? { maxFailPercentage: maxFailOf(ctx, node, raw.max_fail_percentage) } : {}),
    vars,
    roleVars: acc.roleVars,
    varsSpec: spec.spec,
    varPos: { ...keyPositions(node.get('defaults', true), ctx.doc, posOf), ...keyPositions(node.get('vars', true), ctx.doc, posOf) },
    tasks,
    handlers,
    baseDir,
    pos,
  };
}

const IMPORT_PLAYBOOK = ['import_playbook', 'ansible.builtin.import_playbook'];

/** The plays of one playbook file, with those of the playbooks it imports in their place. */
async function loadPlays(
  file: string,
  ops: Map<string, OperationDef<any>>,
  o: Required<Pick<LoadOptions, 'rolesPath'>> & LoadOptions,
  depth: number,
): Promise<Play[]> {
  const { doc, ctx } = await readYaml(file, ops, o.vault);
  const baseDir = dirname(resolve(file));
  if (!isSeq(doc.contents))
    throw playbookError(at(ctx, doc.contents), 'a playbook is a list of plays', 'start each play with `- hosts: …`');
  const raw = doc.toJS() as Record<string, unknown>[];
  const plays: Play[] = [];
  for (const [i, p] of doc.contents.items.entries()) {
    if (!isMap(p)) throw playbookError(at(ctx, p), 'each play must be a mapping with `hosts:` and `tasks:`');
    const r = raw[i]!;
    const key = IMPORT_PLAYBOOK.find((k) => k in r);
    if (!key) {
      plays.push(await loadPlay(ctx, p, r, baseDir, o));
      continue;
    }
    const extra = Object.keys(r).find((k) => k !== key && k !== 'name');
    if (extra)
      throw playbookError(
        keyAt(ctx, p, extra),
        `\`${key}\` with \`${extra}\` is not supported`,
        'set variables in the imported plays or with -e',
      );
    if (typeof r[key] !== 'string' || String(r[key]).includes('{{'))
      throw playbookError(keyAt(ctx, p, key), `\`${key}\` must name a playbook file (no templates)`, 'e.g. `import_playbook: tomcat.yml`');
    if (depth > 10) throw playbookError(keyAt(ctx, p, key), `\`${key}\` nests more than 10 files deep`, 'is a playbook importing itself?');
    // Paths in the imported playbook (vars_files, roles/, src) are relative to its own directory, as in Ansible.
    plays.push(...(await loadPlays(resolve(baseDir, String(r[key])), ops, o, depth + 1)));
  }
  return plays;
}

/** Where roles are looked for besides roles/ beside the playbook: ansible.cfg's roles_path or ANSIBLE_ROLES_PATH. */
export interface LoadOptions {
  rolesPath?: string[];
  /** Vault passwords for vault-encrypted `vars_files` (what they decrypt joins the keyring's secrets). */
  vault?: VaultKeyring;
}

/** Load and structurally check a playbook. */
export async function loadPlaybook(file: string, ops: Map<string, OperationDef<any>>, o: LoadOptions = {}): Promise<Playbook> {
  const plays = await loadPlays(file, ops, { ...o, rolesPath: o.rolesPath ?? DEFAULT_ROLES_PATH }, 0);
  markReads(plays);
  return { file, baseDir: dirname(resolve(file)), plays };
}
