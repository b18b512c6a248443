/**
 * `{{ var }}` templating that Ansible users can read (Jinja2 syntax, via nunjucks). A string that is
 * exactly one `{{ expr }}` keeps its native type (lists, numbers), as Ansible's loops expect.
 */
import nunjucks from 'nunjucks';
import { TemplateError } from '../core/errors.ts';
import { addAnsibleFilters, jinjaSource, renderLikeAnsible } from '../core/jinja.ts';
import { compileTemplate } from './template-cache.ts';

// trim_blocks as in Ansible's templar: `{% for %}` on a line of its own leaves no blank line.
const env = new nunjucks.Environment(null, { autoescape: false, throwOnUndefined: true, trimBlocks: true });
// Ansible's filters and tests (selectattr, map, product, regex_replace, …): see core/jinja.ts.
addAnsibleFilters(env);

/** Compiled templates by source: the same task arguments render for every host and loop item. */
const COMPILED = new Map<string, nunjucks.Template>();

function renderCached(src: string, ctx: Record<string, unknown>): string {
  return renderLikeAnsible(src, (body) => {
    let t = COMPILED.get(body);
    if (!t) {
      if (COMPILED.size >= 2000) COMPILED.clear();
      t = compileTemplate(jinjaSource(body, 'args'), env);
      COMPILED.set(body, t);
    }
    return t.render(ctx);
  });
}

const WHOLE = /^\{\{\s*([\s\S]+?)\s*\}\}$/;

const WORDS = new Set([
  'and',
  'or',
  'not',
  'in',
  'is',
  'true',
  'false',
  'none',
  'True',
  'False',
  'None',
  'if',
  'else',
  'elif',
  'endif',
  'for',
  'endfor',
  'set',
  'loop',
  'defined',
  'undefined',
]);

/** nunjucks does not name an undefined variable; find the top-level names that are missing. */
function undefinedNames(text: string, vars: Record<string, unknown>): string[] {
  const inner = [...text.matchAll(/\{[{%]([\s\S]*?)[}%]\}/g)].map((m) => m[1]).join(' ') || text;
  const bare = inner.replace(/(['"])(?:\\.|(?!\1).)*\1/g, '').replace(/\|\s*\w+/g, '');
  const names = [...bare.matchAll(/(?<![.\w])([A-Za-z_]\w*)/g)].map((m) => m[1] ?? '');
  // Loop and set variables are the template's own.
  const bound = new Set([...text.matchAll(/\{%-?\s*(?:for|set)\s+([\w\s,]+?)\s+(?:in\b|=)/g)].flatMap((m) => (m[1] ?? '').split(/[\s,]+/)));
  return [...new Set(names.filter((n) => !WORDS.has(n) && !bound.has(n) && !(n in vars)))];
}

function explain(err: unknown, text: string, vars: Record<string, unknown>): Error {
  const msg = err instanceof Error ? err.message : String(err);
  const inner = (
    msg
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean)
      .pop() ?? msg
  ).replace(/^Error: /, '');
  const missing = undefinedNames(text, vars);
  const why = missing.length ? `undefined variable ${missing.map((n) => `'${n}'`).join(', ')}` : inner;
  const lines = text.trim().split('\n');
  const shown = lines.length > 1 ? `${lines[0]} …` : lines[0];
  // An inner variable's message already says everything: do not wrap it twice.
  if (/^(cannot render|variable ')/.test(inner)) return new TemplateError(inner);
  return new TemplateError(`cannot render \`${shown}\`: ${why}`);
}

/** A variable that could not be rendered: using it in output raises the original reason. */
class Unrenderable {
  constructor(
    readonly name: string,
    readonly error: Error,
  ) {}
  toString(): string {
    throw this.error;
  }
  toJSON(): never {
    throw this.error;
  }
}

/**
 * nunjucks copies every variable of its context before rendering, which would render every lazy
 * variable (src/runner/lazy-vars.ts) at once: hand it only the names this template mentions.
 */
function narrow(text: string, vars: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const inner = [...text.matchAll(/\{[{%]([\s\S]*?)[}%]\}/g)].map((m) => m[1]).join(' ');
  for (const [, name] of inner.matchAll(/(?<![.\w])([A-Za-z_]\w*)/g)) {
    if (!name || name in out || !(name in vars)) continue;
    try {
      out[name] = vars[name];
    } catch (err) {
      // Mentioned is not used (an untaken branch): fail only if the template really uses it.
      out[name] = new Unrenderable(name, err as Error);
    }
  }
  return out;
}

/** Evaluate a Jinja2 expression to a native value. */
export function evaluate(expr: string, vars: Record<string, unknown>): unknown {
  try {
    const out = renderCached(`{{ (${expr}) | dump }}`, narrow(`{{ ${expr} }}`, vars));
    return out === '' ? undefined : JSON.parse(out);
  } catch (err) {
    throw explain(err, `{{ ${expr} }}`, vars);
  }
}

const hasTemplate = (v: unknown) => typeof v === 'string' && (v.includes('{{') || v.includes('{%'));

function renderOnce(text: string, vars: Record<string, unknown>): unknown {
  const whole = WHOLE.exec(text);
  if (whole?.[1] && !whole[1].includes('}}')) return evaluate(whole[1], vars);
  try {
    return renderCached(text, narrow(text, vars));
  } catch (err) {
    throw explain(err, text, vars);
  }
}

/**
 * Render one string; a whole-string `{{ expr }}` returns the native value. Like Ansible, a value
 * that is itself a template (a variable defined as `"{{ other }}"`) is rendered in turn.
 */
export function renderString(text: string, vars: Record<string, unknown>): unknown {
  let out: unknown = text;
  for (let depth = 0; depth < 8 && hasTemplate(out); depth++) out = renderOnce(out as string, vars);
  if (out && typeof out === 'object' && out !== null && JSON.stringify(out).includes('{{')) return renderDeep(out, vars);
  return out;
}

/** Render every string inside a value (objects and arrays recursively). */
export function renderDeep<T>(value: T, vars: Record<string, unknown>): T {
  if (typeof value === 'string') return renderString(value, vars) as T;
  if (Array.isArray(value)) return value.map((v) => renderDeep(v, vars)) as T;
  if (value && typeof value === 'object' && !Buffer.isBuffer(value)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, renderDeep(v, vars)])) as T;
  }
  return value;
}

/** Ansible's `when`: a bare expression (or a list of them, all true). */
export function isTrue(when: unknown, vars: Record<string, unknown>): boolean {
  if (when === undefined || when === null) return true;
  if (typeof when === 'boolean') return when;
  if (Array.isArray(when)) return when.every((w) => isTrue(w, vars));
  const expr = String(when)
    .trim()
    .replace(/^\{\{\s*([\s\S]*?)\s*\}\}$/, '$1');
  return Boolean(evaluate(expr, vars));
}
