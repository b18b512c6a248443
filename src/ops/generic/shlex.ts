/**
 * POSIX word splitting like Python's `shlex.split`, which Ansible's `command` uses: a `cmd` string
 * becomes words that are then quoted one by one, so `;`, `|`, `$VAR` and globs stay literal.
 */
import { fail } from './common.ts';

export function shlexSplit(s: string): string[] {
  const out: string[] = [];
  let cur = '';
  let inWord = false;
  let i = 0;
  const unclosed = (): never => fail(`cmd has an unclosed quote: ${s}`, 'close the quote, or use argv: [ … ] to give the words one by one');
  while (i < s.length) {
    const c = s[i]!;
    if (c === "'") {
      const j = s.indexOf("'", i + 1);
      if (j < 0) unclosed();
      cur += s.slice(i + 1, j);
      i = j + 1;
      inWord = true;
    } else if (c === '"') {
      i++;
      while (i < s.length && s[i] !== '"') {
        // Inside double quotes a backslash only escapes these, as in sh.
        if (s[i] === '\\' && i + 1 < s.length && '"\\$`\n'.includes(s[i + 1]!)) i++;
        cur += s[i];
        i++;
      }
      if (i >= s.length) unclosed();
      i++;
      inWord = true;
    } else if (c === '\\') {
      if (i + 1 < s.length) cur += s[i + 1];
      i += 2;
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) out.push(cur);
      cur = '';
      inWord = false;
      i++;
    } else {
      cur += c;
      inWord = true;
      i++;
    }
  }
  if (inWord) out.push(cur);
  return out;
}
