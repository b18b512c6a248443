/**
 * Ansible's Jinja2 filters and tests on a nunjucks environment, so playbooks written for Ansible
 * template unchanged (`selectattr('x', 'defined')`, `map(attribute='x')`, `product`, `dict2items`,
 * `regex_replace`, `b64encode`, `list + list`, …). Written here because no npm package offers
 * Ansible's filter set for nunjucks; each one follows Ansible's (or Jinja2's) documented meaning.
 * In core/ so both the variable templating (vars/) and the template operation (ops/) share it.
 */
import nunjucks from 'nunjucks';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { PY_ESCAPES } from './py-escapes.ts';

type Ctx = { env: nunjucks.Environment };
type Kw = Record<string, unknown> & { __keywords?: boolean };

const isKw = (v: unknown): v is Kw => !!v && typeof v === 'object' && (v as Kw).__keywords === true;
const arr = (v: unknown): unknown[] =>
  Array.isArray(v) ? v : v && typeof v === 'object' ? Object.keys(v) : v === undefined ? [] : [...String(v)];

/** `a.b.c` of an object, as Jinja2's attribute lookups in `map`/`selectattr` read it. */
function attrOf(x: unknown, path: string): unknown {
  let v: unknown = x;
  for (const k of path.split('.')) v = v === null || v === undefined ? undefined : (v as Record<string, unknown>)[k];
  return v;
}

/** Python `re` syntax to JavaScript: named groups; `\1` and `\g<name>` in replacements. */
function pyPattern(re: string, flags: string): RegExp {
  return new RegExp(re.replace(/\(\?P<([A-Za-z_]\w*)>/g, '(?<$1>').replace(/\(\?P=([A-Za-z_]\w*)\)/g, '\\k<$1>'), flags);
}
const pyReplacement = (to: string) =>
  to
    .replace(/\$/g, '$$$$')
    .replace(/\\g<(\w+)>/g, (_m, g: string) => (/^\d+$/.test(g) ? `$${g}` : `$<${g}>`))
    .replace(/\\(\d)/g, '$$$1');

function testFn(ctx: Ctx, name: unknown): (v: unknown, ...a: unknown[]) => boolean {
  if (name === undefined) return (v) => Boolean(v);
  const t = (ctx.env as unknown as { getTest(n: string): ((...a: unknown[]) => boolean) | undefined }).getTest(String(name));
  if (!t) throw new Error(`no test named '${String(name)}'`);
  return (v, ...a) => Boolean(t.call(ctx, v, ...a));
}

function selectAttr(keep: boolean) {
  return function (this: Ctx, list: unknown, attr: string, test?: string, ...args: unknown[]) {
    const t = testFn(this, test);
    return arr(list).filter((x) => t(attrOf(x, attr), ...args) === keep);
  };
}

function map(this: Ctx, list: unknown, ...args: unknown[]): unknown[] {
  const kw = isKw(args[args.length - 1]) ? (args.pop() as Kw) : undefined;
  if (kw?.attribute !== undefined) return arr(list).map((x) => attrOf(x, String(kw.attribute)) ?? kw.default);
  const [name, ...rest] = args;
  const f = this.env.getFilter(String(name)) as (...a: unknown[]) => unknown;
  return arr(list).map((x) => f.call(this, x, ...rest));
}

function product(...lists: unknown[]): unknown[][] {
  return lists.map(arr).reduce<unknown[][]>((acc, l) => acc.flatMap((p) => l.map((x) => [...p, x])), [[]]);
}

function flatten(list: unknown, levels?: number): unknown[] {
  const out: unknown[] = [];
  for (const x of arr(list)) {
    if (Array.isArray(x) && (levels === undefined || levels > 0)) out.push(...flatten(x, levels === undefined ? undefined : levels - 1));
    else if (x !== null && x !== undefined) out.push(x);
  }
  return out;
}

function combine(...args: unknown[]): Record<string, unknown> {
  const kw = isKw(args[args.length - 1]) ? (args.pop() as Kw) : undefined;
  const deep = (a: unknown, b: unknown, top = false): unknown => {
    if ((!top && !kw?.recursive) || !a || !b || typeof a !== 'object' || typeof b !== 'object' || Array.isArray(a) || Array.isArray(b))
      return b;
    const out: Record<string, unknown> = { ...(a as object) };
    for (const [k, v] of Object.entries(b)) out[k] = k in out ? deep(out[k], v) : v;
    return out;
  };
  return flatten(args).reduce<Record<string, unknown>>((acc, d) => deep(acc, d, true) as Record<string, unknown>, {});
}

const truthy = (v: unknown) => (typeof v === 'string' ? /^(1|true|yes|on|y|t)$/i.test(v.trim()) : Boolean(v));

/** Python's str() of a boolean. */
const pyBool = (v: boolean) => (v ? 'True' : 'False');

const FILTERS: Record<string, (this: Ctx, ...a: any[]) => unknown> = {
  bool: (v: unknown) => truthy(v),
  int: (v: unknown, d = 0) => {
    const n = parseInt(String(v), 10);
    return Number.isNaN(n) ? d : n;
  },
  float: (v: unknown, d = 0) => (Number.isNaN(parseFloat(String(v))) ? d : parseFloat(String(v))),
  string: (v: unknown) =>
    v === null || v === undefined ? '' : typeof v === 'boolean' ? pyBool(v) : typeof v === 'object' ? JSON.stringify(v) : String(v),
  selectattr: selectAttr(true),
  rejectattr: selectAttr(false),
  map,
  product,
  flatten,
  combine,
  unique: (v: unknown) => [...new Set(arr(v))],
  zip: (...lists: unknown[]) => {
    const ls = lists.map(arr);
    return ls[0]!.map((_, i) => ls.map((l) => l[i])).filter((t) => t.every((x) => x !== undefined));
  },
  dict2items: (d: Record<string, unknown>, kw?: Kw) =>
    Object.entries(d ?? {}).map(([k, v]) => ({ [String(kw?.key_name ?? 'key')]: k, [String(kw?.value_name ?? 'value')]: v })),
  items2dict: (l: unknown, kw?: Kw) =>
    Object.fromEntries(arr(l).map((x) => [attrOf(x, String(kw?.key_name ?? 'key')), attrOf(x, String(kw?.value_name ?? 'value'))])),
  regex_replace: (v: unknown, re = '', to = '', kw?: Kw) =>
    String(v ?? '').replace(pyPattern(re, `g${kw?.ignorecase ? 'i' : ''}${kw?.multiline ? 'm' : ''}`), pyReplacement(String(to))),
  regex_search: (v: unknown, re: string) => pyPattern(re, '').exec(String(v ?? ''))?.[0] ?? null,
  regex_findall: (v: unknown, re: string) =>
    [...String(v ?? '').matchAll(pyPattern(re, 'g'))].map((m) => (m.length > 2 ? m.slice(1) : (m[1] ?? m[0]))),
  regex_escape: (v: unknown) => String(v).replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&'),
  b64encode: (v: unknown) => Buffer.from(String(v), 'utf8').toString('base64'),
  b64decode: (v: unknown) => Buffer.from(String(v), 'base64').toString('utf8'),
  basename: (v: unknown) => String(v).replace(/\/+$/, '').split('/').pop() ?? '',
  dirname: (v: unknown) => String(v).replace(/\/[^/]*$/, '') || '/',
  quote: (v: unknown) => `'${String(v).replace(/'/g, `'"'"'`)}'`,
  ternary: (v: unknown, a: unknown, b: unknown) => (v ? a : b),
  to_json: (v: unknown) => JSON.stringify(v),
  to_nice_json: (v: unknown) => JSON.stringify(v, null, 4),
  from_json: (v: unknown) => JSON.parse(String(v)),
  from_yaml: (v: unknown) => parseYaml(String(v)),
  to_yaml: (v: unknown) => stringifyYaml(v),
  to_nice_yaml: (v: unknown) => stringifyYaml(v, { indent: 4 }),
  mandatory: (v: unknown) => {
    if (v === undefined || v === null) throw new Error('mandatory variable is not defined');
    return v;
  },
  // Jinja2's `+`: lists concatenate (nunjucks would join them as strings); see the compiler patch below.
  __add: (a: any, b: any) => (Array.isArray(a) && Array.isArray(b) ? [...a, ...b] : a + b),
};

/** A registered result (Ansible's result tests): `r is changed`, `is failed`, `is succeeded`, `is skipped`. */
const status = (v: unknown, key: string) => !!v && typeof v === 'object' && (v as Record<string, unknown>)[key] === true;
const TESTS: Record<string, (...a: any[]) => boolean> = {
  match: (v: unknown, re: string) => pyPattern(`^(?:${re})`, '').test(String(v)),
  search: (v: unknown, re: string) => pyPattern(re, '').test(String(v)),
  regex: (v: unknown, re: string) => pyPattern(re, '').test(String(v)),
  changed: (v: unknown) => status(v, 'changed'),
  failed: (v: unknown) => status(v, 'failed'),
  succeeded: (v: unknown) => !status(v, 'failed'),
  success: (v: unknown) => !status(v, 'failed'),
  skipped: (v: unknown) => status(v, 'skipped'),
  boolean: (v: unknown) => typeof v === 'boolean',
  integer: (v: unknown) => Number.isInteger(v),
  mapping: (v: unknown) => !!v && typeof v === 'object' && !Array.isArray(v),
  sequence: (v: unknown) => Array.isArray(v) || typeof v === 'string',
  iterable: (v: unknown) => Array.isArray(v) || typeof v === 'string' || (!!v && typeof v === 'object'),
  contains: (v: unknown, x: unknown) => arr(v).includes(x),
  subset: (a: unknown, b: unknown) => arr(a).every((x) => arr(b).includes(x)),
  superset: (a: unknown, b: unknown) => arr(b).every((x) => arr(a).includes(x)),
};

let patched = false;
/** nunjucks compiles `a + b` to JavaScript's `+`; Jinja2 concatenates lists. Route `+` through `__add`. */
function patchAdd(): void {
  if (patched) return;
  patched = true;
  const proto = (nunjucks as unknown as { compiler: { Compiler: { prototype: Record<string, any> } } }).compiler.Compiler.prototype;
  proto.compileAdd = function (this: Record<string, any>, node: { left: unknown; right: unknown }, frame: unknown) {
    this._emit('env.getFilter("__add").call(context, ');
    this.compile(node.left, frame);
    this._emit(', ');
    this.compile(node.right, frame);
    this._emit(')');
  };
  // As Jinja2 (Python's str): a boolean written into text is `True`/`False`, not JavaScript's `true`.
  const runtime = (nunjucks as unknown as { runtime: { suppressValue: (v: unknown, esc: boolean) => string } }).runtime;
  const suppress = runtime.suppressValue;
  runtime.suppressValue = (v, esc) => suppress(typeof v === 'boolean' ? pyBool(v) : v, esc);
}

/** Add Ansible's filters and tests to an environment (every environment of provision gets them). */
export function addAnsibleFilters(env: nunjucks.Environment): nunjucks.Environment {
  patchAdd();
  for (const [name, f] of Object.entries(FILTERS)) env.addFilter(name, f);
  const withTests = env as unknown as { addTest(n: string, t: (...a: any[]) => boolean): void };
  for (const [name, t] of Object.entries(TESTS)) withTests.addTest(name, t);
  return env;
}

/** A string literal's content as Python's `unicode-escape` reads it (Jinja2's lexer): unknown escapes keep their backslash. */
function pythonUnescape(s: string): string {
  return s.replace(/\\(?:([0-7]{1,3})|x([0-9a-fA-F]{2})|u([0-9a-fA-F]{4})|U([0-9a-fA-F]{8})|(\n)|([\s\S]))/g, (m, oct, x, u, U, nl, c) => {
    if (oct) return String.fromCharCode(parseInt(oct, 8));
    const hex = x ?? u ?? U;
    if (hex) return String.fromCodePoint(parseInt(hex, 16));
    if (nl) return '';
    return PY_ESCAPES[c] ?? m;
  });
}

/** How a literal's backslashes are read: `raw` in a task argument's `{{ }}` (Ansible doubles them first), else as Python does. */
type Backslashes = 'raw' | 'python';

/** Rewrite one string literal so nunjucks (which only knows `\n`, `\t`, `\r` and drops other backslashes) reads Jinja2's value. */
function literal(quoted: string, how: Backslashes): string {
  const inner = quoted.slice(1, -1);
  const value = how === 'raw' ? inner : pythonUnescape(inner);
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/**
 * Jinja2 syntax nunjucks does not read the same, rewritten inside `{{ }}` and `{% %}` only:
 * `item.0` (an index by attribute, as in `item.0.home`) becomes `item[0]`; string literals keep
 * their backslashes as Jinja2 reads them (`regex_replace('\\.', '-')`). `args`: a task argument,
 * where Ansible takes backslashes in a `{{ }}` literal as written (its templar's escape_backslashes);
 * in a template file, and in `{% %}`, they are Python escapes.
 */
export function jinjaSource(text: string, where: 'args' | 'file' = 'file'): string {
  if (!/\.\d/.test(text) && !text.includes('\\')) return text;
  return text.replace(/\{\{[\s\S]*?\}\}|\{%[\s\S]*?%\}/g, (block) => {
    const how: Backslashes = where === 'args' && block.startsWith('{{') ? 'raw' : 'python';
    return block.replace(
      /('(?:\\.|[^'\\])*'|"(?:\\.|[^"\\])*")|(?<=[A-Za-z_]\w*|[\])])\.(\d+)\b/g,
      (m, str: string | undefined, n: string) => (str !== undefined ? (str.includes('\\') ? literal(str, how) : m) : `[${n}]`),
    );
  });
}

const trailingNewlines = (s: string) => s.length - s.replace(/\n+$/, '').length;

/**
 * Render as Ansible's templar does (`do_template` with `preserve_trailing_newlines`): Jinja2 drops
 * one trailing newline of the source (`keep_trailing_newline` off), then Ansible adds newlines back
 * until the result ends in as many as the source did. With `trim_blocks` (every environment of
 * provision has it, as Ansible's), `{% endfor %}\n` at the end thus still ends the text in `\n`.
 */
export function renderLikeAnsible(source: string, render: (body: string) => string): string {
  const out = render(source.endsWith('\n') ? source.slice(0, -1) : source);
  const missing = trailingNewlines(source) - trailingNewlines(out);
  return missing > 0 ? out + '\n'.repeat(missing) : out;
}
