/**
 * Python's `shlex.split(line, comments=True, posix=True)`, which Ansible's INI inventory uses to
 * split a host line, keeping each token's column for error positions. Hand-written: the npm
 * shell-word splitters differ from shlex on comments (`#` anywhere outside quotes ends the line).
 */

/** One token and the 1-based column where it starts. */
export interface Token {
  text: string;
  column: number;
}

/** Thrown for an unclosed quote or a trailing backslash, as shlex raises ValueError. */
export class ShlexError extends Error {}

/** Split a line into shell words; `#` outside quotes starts a comment. */
export function shlexSplit(line: string): Token[] {
  const out: Token[] = [];
  let cur: Token | undefined;
  const start = (i: number) => (cur ??= { text: '', column: i + 1 });
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (/\s/.test(c)) {
      if (cur) out.push(cur);
      cur = undefined;
    } else if (c === '#') {
      break;
    } else if (c === '\\') {
      if (i + 1 >= line.length) throw new ShlexError('No escaped character');
      start(i).text += line[++i];
    } else if (c === "'") {
      const end = line.indexOf("'", i + 1);
      if (end < 0) throw new ShlexError('No closing quotation');
      start(i).text += line.slice(i + 1, end);
      i = end;
    } else if (c === '"') {
      const t = start(i);
      let j = i + 1;
      for (; j < line.length && line[j] !== '"'; j++) {
        // In double quotes a backslash escapes only `"` and `\` (shlex's escapedquotes).
        if (line[j] === '\\' && (line[j + 1] === '"' || line[j + 1] === '\\')) j++;
        t.text += line[j];
      }
      if (j >= line.length) throw new ShlexError('No closing quotation');
      i = j;
    } else start(i).text += c;
  }
  if (cur) out.push(cur);
  return out;
}
