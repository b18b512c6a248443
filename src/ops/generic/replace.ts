/**
 * `replace` (like Ansible's): replace every match of a Python-style regexp in a file, optionally
 * only in the part after `after` and/or before `before`. A port of the module's own steps: the
 * section is `after(?P<subsection>.*?)before` (DOTALL; greedy with one of them alone), the regexp
 * is MULTILINE, and the file changes only when the text differs.
 */
import { fact } from '../../facts/types.ts';
import { currentText } from '../kit.ts';
import { defineOperation } from '../types.ts';
import { absPath, attrProps, fail, objectSchema, parseAttrs, type AttrArgs } from './common.ts';
import { validateSchema } from './copy.ts';
import { planWrite } from './file-write.ts';
import { getFact } from './get-fact.ts';
import { expand, pyRegExp } from './python-re.ts';

export interface ReplaceArgs extends AttrArgs {
  /** Absolute path of the file on the host. */
  path: string;
  /** Python-style regular expression, matched with MULTILINE (`^`/`$` at every line). */
  regexp: string;
  /** Replacement; `\1`, `\g<name>` are the groups. Default empty (matches are removed). */
  replace?: string;
  /** Only replace after the first match of this pattern. */
  after?: string;
  /** Only replace before this pattern (its last match when `after` is not given). */
  before?: string;
  /** Validator run on the temp file before it replaces `path`; `%s` is its path. */
  validate?: string;
}

/** The edited text and how many matches were replaced, or why nothing was. */
export function replaceText(
  text: string,
  a: Pick<ReplaceArgs, 'regexp' | 'replace' | 'after' | 'before'>,
): { text: string; n: number; msg: string } {
  let start = 0;
  let end = text.length;
  if (a.after || a.before) {
    const pattern =
      a.after && a.before
        ? `${a.after}(?P<subsection>[\\s\\S]*?)${a.before}`
        : a.after
          ? `${a.after}(?P<subsection>[\\s\\S]*)`
          : `(?P<subsection>[\\s\\S]*)${a.before}`;
    const re = pyRegExp(pattern, a.after ? 'after' : 'before');
    const m = new RegExp(re.source, 'd').exec(text);
    const span = (m as (RegExpExecArray & { indices?: { groups?: Record<string, [number, number]> } }) | null)?.indices?.groups?.subsection;
    if (!span) return { text, n: 0, msg: `the pattern for before/after did not match: ${pattern}` };
    [start, end] = span;
  }
  const section = text.slice(start, end);
  const re = new RegExp(pyRegExp(a.regexp, 'regexp').source, 'gm');
  let n = 0;
  const out = section.replace(re, (...args) => {
    n += 1;
    const groups = typeof args[args.length - 1] === 'object' ? (args[args.length - 1] as Record<string, string>) : undefined;
    const m = args.slice(0, groups ? -3 : -2) as unknown as RegExpExecArray;
    m.groups = groups;
    return expand(a.replace ?? '', m);
  });
  if (n === 0 || out === section) return { text, n: 0, msg: `no match of ${JSON.stringify(a.regexp)} to replace` };
  return { text: text.slice(0, start) + out + text.slice(end), n, msg: `${n} replacement(s) of ${JSON.stringify(a.regexp)}` };
}

const str = { type: 'string' };

export const replaceOp = defineOperation<ReplaceArgs>({
  name: 'replace',
  schema: objectSchema(
    {
      path: absPath,
      regexp: { type: 'string', minLength: 1 },
      replace: str,
      after: str,
      before: str,
      validate: validateSchema,
      ...attrProps,
    },
    ['path', 'regexp'],
  ),
  facts(a) {
    return [fact.file(a.path, true)];
  },
  plan(a, facts) {
    const f = getFact.file(facts, a.path, true);
    const text = currentText(f, a.path);
    if (text === null) fail(`${a.path} does not exist`, 'replace edits an existing file; create it in an earlier task');
    const r = replaceText(text, a);
    return planWrite(
      {
        path: a.path,
        content: Buffer.from(r.text, 'utf8'),
        attrs: parseAttrs(a),
        what: `replace: ${r.msg}`,
        okReason: `${a.path}: ${r.msg}`,
        ...(a.validate ? { validate: a.validate } : {}),
      },
      f,
    );
  },
});
