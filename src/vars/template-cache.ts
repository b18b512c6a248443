/**
 * Compiled templates kept across runs. nunjucks compiles a template (lexer, parser, code
 * generator) in ~1-2 ms, and a run of the recipe compiles a few dozen: a fixed cost of every run
 * that no host needs. The generated code depends only on the template's text and nunjucks'
 * version, so it is kept in the user's cache directory (`$XDG_CACHE_HOME/provision`, else
 * `~/.cache/provision`, mode 0700, the file 0600), keyed by a hash of the text, and loaded with
 * nunjucks' own precompiled-template form. A template that does not compile is never kept: it is
 * compiled again, so it fails with the same error every time. Writing is best effort.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { join } from 'node:path';
import nunjucks from 'nunjucks';

interface Compiler {
  compile(src: string, asyncFilters: unknown, extensions: unknown, name: undefined, opts: unknown): string;
}
type Env = nunjucks.Environment & { asyncFilters: unknown; extensionsList: unknown; opts: unknown };

const MAX_ENTRIES = 5000;
// v2: task arguments compile with trimBlocks (code compiled without it must not be reused).
const VERSION = `nunjucks ${(createRequire(import.meta.url)('nunjucks/package.json') as { version: string }).version}, v2`;
const dir = () => join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'provision');
const file = () => join(dir(), 'templates.json');

let known: Record<string, string> | undefined;
const added: Record<string, string> = {};

function read(): Record<string, string> {
  try {
    const j = JSON.parse(readFileSync(file(), 'utf8')) as { version?: string; code?: Record<string, string> };
    return j.version === VERSION && j.code ? j.code : {};
  } catch {
    return {};
  }
}

/** Merge what this process compiled into the file (another run may have written it meanwhile). */
function save(): void {
  try {
    const code = { ...read(), ...added };
    const keys = Object.keys(code);
    for (const k of keys.slice(0, Math.max(0, keys.length - MAX_ENTRIES))) delete code[k];
    mkdirSync(dir(), { recursive: true, mode: 0o700 });
    const tmp = `${file()}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify({ version: VERSION, code }), { mode: 0o600 });
    renameSync(tmp, file());
  } catch {
    // Best effort: the next run compiles again.
  }
}

const fromCode = (code: string, env: nunjucks.Environment) =>
  new nunjucks.Template({ type: 'code', obj: new Function(code)() } as never, env, undefined, true);

/** The compiled template of `source` (Jinja2 already turned into nunjucks' dialect). */
export function compileTemplate(source: string, env: nunjucks.Environment): nunjucks.Template {
  const key = createHash('sha256').update(source).digest('base64url');
  known ??= read();
  const hit = known[key] ?? added[key];
  if (hit !== undefined) return fromCode(hit, env);
  let code: string;
  try {
    const e = env as Env;
    code = (nunjucks as unknown as { compiler: Compiler }).compiler.compile(source, e.asyncFilters, e.extensionsList, undefined, e.opts);
  } catch {
    // nunjucks' own path, so the error is the one it always gives.
    return new nunjucks.Template(source, env, undefined, true);
  }
  const t = fromCode(code, env);
  if (Object.keys(added).length === 0) process.once('exit', save);
  added[key] = code;
  return t;
}
