/**
 * `copy` (like Ansible's): put bytes at `dest`, from inline `content` or a local `src` file
 * (relative to the playbook). Checksum-based; the journal keeps the backup, so there is no
 * `backup` argument.
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, isAbsolute, join, resolve } from 'node:path';
import { fact } from '../../facts/types.ts';
import { defineOperation, type PlanContext } from '../types.ts';
import { absPath, attrProps, fail, objectSchema, parseAttrs, type AttrArgs } from './common.ts';
import { isText, planWrite } from './file-write.ts';
import { getFact } from './get-fact.ts';

export interface CopyArgs extends AttrArgs {
  /** Absolute path on the host; ending in `/` puts the file there under the basename of `src`. */
  dest: string;
  /** Inline content (exactly these bytes, UTF-8). */
  content?: string;
  /** Local file, relative to the playbook's directory. */
  src?: string;
  /** `false`: only write when `dest` does not exist yet. Default true. */
  force?: boolean;
  /** Command run on the uploaded temp file before it replaces `dest`; `%s` is its path (e.g. `visudo -cf %s`). */
  validate?: string;
}

export const validateSchema = { type: 'string', pattern: '%s' };

export const copySchema = objectSchema(
  {
    dest: absPath,
    content: { type: 'string' },
    src: { type: 'string', minLength: 1 },
    force: { type: 'boolean' },
    validate: validateSchema,
    ...attrProps,
  },
  ['dest'],
  { oneOf: [{ required: ['content'] }, { required: ['src'] }], description: 'give exactly one of content or src' },
);

/**
 * Where Ansible looks for a relative `src` (its path_dwim_relative_stack): in the task's role,
 * `<role>/<sub>/src`, `<role>/tasks/<sub>/src`, `<role>/src`; then `<playbook dir>/<sub>/src` and
 * `<playbook dir>/src`. `sub` is `files` for copy, `templates` for template.
 */
export function localCandidates(src: string, ctx: Pick<PlanContext, 'baseDir' | 'roleDir'>, sub: 'files' | 'templates'): string[] {
  if (isAbsolute(src)) return [src];
  const under = (dir: string) => (src.split('/')[0] === sub ? [] : [join(dir, sub, src)]);
  const role = ctx.roleDir ? [...under(ctx.roleDir), join(ctx.roleDir, 'tasks', sub, src), join(ctx.roleDir, src)] : [];
  return [...new Set([...role, ...under(ctx.baseDir), resolve(ctx.baseDir, src)])];
}

/** The local file a relative `src` names (the first candidate that exists, else the last one). */
export function localPath(src: string, ctx: Pick<PlanContext, 'baseDir' | 'roleDir'>, sub: 'files' | 'templates'): string {
  const all = localCandidates(src, ctx, sub);
  return all.find((f) => existsSync(f)) ?? all.at(-1)!;
}

/** Read a local file named relative to the role or the playbook, with an error that says where we looked. */
export function readLocal(src: string, ctx: PlanContext, what: string, sub: 'files' | 'templates' = 'files'): Buffer {
  const full = localPath(src, ctx, sub);
  try {
    return readFileSync(full);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return fail(
      `${what} ${src} cannot be read (${code ?? String(e)}): looked at ${localCandidates(src, ctx, sub).join(', ')}`,
      `src paths are relative to the role's ${sub}/ or the playbook directory (or its ${sub}/); check the name`,
    );
  }
}

function destOf(a: CopyArgs): string {
  return a.dest.endsWith('/') && a.src ? a.dest + basename(a.src) : a.dest;
}

function wantedBytes(a: CopyArgs, ctx: PlanContext): Buffer {
  return a.content !== undefined ? Buffer.from(a.content, 'utf8') : readLocal(a.src as string, ctx, 'src');
}

export const copyOp = defineOperation<CopyArgs>({
  name: 'copy',
  schema: copySchema,
  facts(a, ctx) {
    // Read the host's copy only when a text diff can be shown; a WAR is compared by checksum alone.
    return [fact.file(destOf(a), isText(wantedBytes(a, ctx)))];
  },
  plan(a, facts, ctx) {
    const dest = destOf(a);
    const content = wantedBytes(a, ctx);
    const f = getFact.file(facts, dest, isText(content));
    if (a.force === false && f.exists) return { changes: [], okMessage: `${dest} exists (force: false leaves it as is)` };
    const what = a.src ? `copy of ${a.src}` : 'inline content';
    return planWrite({ path: dest, content, attrs: parseAttrs(a), what, ...(a.validate ? { validate: a.validate } : {}) }, f);
  },
});
