/**
 * Ansible's line modules take Python regular expressions. The common subset works as-is in
 * JavaScript; named groups are translated, and Python's `match.expand` is reimplemented for
 * `backrefs`.
 */
import { fail } from './common.ts';

/** Compile a Python-style pattern (`(?P<name>…)`, `(?P=name)`), with an error that names the argument. */
export function pyRegExp(pattern: string, arg: string): RegExp {
  const js = pattern.replace(/\(\?P<([A-Za-z_]\w*)>/g, '(?<$1>').replace(/\(\?P=([A-Za-z_]\w*)\)/g, '\\k<$1>');
  try {
    return new RegExp(js);
  } catch (e) {
    return fail(
      `${arg}: ${JSON.stringify(pattern)} is not a valid regular expression (${(e as Error).message})`,
      'check the escaping: in YAML, single-quote patterns so backslashes stay as written',
    );
  }
}

/** Python's `match.expand(template)`: `\1`, `\g<1>`, `\g<name>` become the groups' text. */
export function expand(template: string, m: RegExpExecArray): string {
  return template.replace(/\\(?:(\d{1,2})|g<(\w+)>)/g, (_all, num: string | undefined, g: string | undefined) => {
    const key = num ?? (g as string);
    const v = /^\d+$/.test(key) ? m[Number(key)] : m.groups?.[key];
    return v ?? '';
  });
}

/** Split text into lines that keep their terminators, like Python's `splitlines(True)` for \n and \r\n. */
export function splitLines(text: string): string[] {
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

/** A line without its terminator. */
export function bare(line: string): string {
  return line.replace(/\r?\n$/, '');
}
