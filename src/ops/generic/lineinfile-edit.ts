/**
 * The text edit of Ansible's lineinfile, ported line for line (ansible/modules/lineinfile.py):
 * which line a regexp replaces, where a new line goes, and when nothing changes.
 */
import { bare, expand, pyRegExp, splitLines } from './python-re.ts';

/** The lineinfile options that shape the edit. */
export interface LineEdit {
  line?: string;
  regexp?: string;
  search_string?: string;
  state?: 'present' | 'absent';
  insertafter?: string;
  insertbefore?: string;
  firstmatch?: boolean;
  backrefs?: boolean;
}

export interface EditResult {
  text: string;
  /** "line replaced", "line added", "2 line(s) removed", or why nothing changed. */
  msg: string;
  changed: boolean;
}

function present(lines: string[], o: LineEdit): EditResult {
  const line = o.line ?? '';
  const after = o.insertafter,
    before = o.insertbefore;
  const insRe =
    after && after !== 'EOF' ? pyRegExp(after, 'insertafter') : before && before !== 'BOF' ? pyRegExp(before, 'insertbefore') : null;
  const re = o.regexp !== undefined ? pyRegExp(o.regexp, 'regexp') : null;
  let found = -1,
    insertAt = -1,
    exact = false;
  let match: RegExpExecArray | null = null;
  // 1. regexp or search_string decides which line is replaced; the last match wins unless firstmatch.
  for (let i = 0; i < lines.length && (re || o.search_string !== undefined); i++) {
    const cur = bare(lines[i]!);
    const m = re ? re.exec(cur) : cur.includes(o.search_string as string) ? ([cur] as unknown as RegExpExecArray) : null;
    if (m) {
      found = i;
      match = m;
      if (o.firstmatch) break;
    }
  }
  // 2. Otherwise look for the exact line, and for the insertafter/insertbefore anchor.
  if (!match) {
    for (let i = 0; i < lines.length; i++) {
      const cur = bare(lines[i]!);
      if (cur === line) {
        found = i;
        exact = true;
      } else if (insRe && insRe.test(cur)) {
        insertAt = after ? i + 1 : i;
        if (o.firstmatch) break;
      }
    }
  }
  if (found !== -1) {
    const wanted = (o.backrefs && match && re ? expand(line, match) : line) + '\n';
    if (lines[found] === wanted)
      return { text: lines.join(''), msg: `line already present (line ${found + 1}${exact ? '' : ', matched'})`, changed: false };
    lines[found] = wanted;
    return { text: lines.join(''), msg: `line ${found + 1} replaced`, changed: true };
  }
  if (o.backrefs) return { text: lines.join(''), msg: 'regexp matched no line (backrefs: nothing inserted)', changed: false };
  if (before === 'BOF' || after === 'BOF') {
    lines.unshift(line + '\n');
    return { text: lines.join(''), msg: 'line added at the beginning', changed: true };
  }
  if (after === 'EOF' || insertAt === -1) {
    const last = lines.length - 1;
    if (last >= 0 && !lines[last]!.endsWith('\n')) lines[last] += '\n';
    lines.push(line + '\n');
    return { text: lines.join(''), msg: 'line added at the end', changed: true };
  }
  if (after) {
    // Ansible does not insert when the line right after the anchor is already the line.
    const neighbour = insertAt === lines.length ? lines[insertAt - 1] : lines[insertAt];
    if (neighbour !== undefined && bare(neighbour) === line)
      return { text: lines.join(''), msg: 'line already present after the anchor', changed: false };
    if (insertAt === lines.length && !lines[insertAt - 1]!.endsWith('\n')) lines[insertAt - 1] += '\n';
  }
  lines.splice(insertAt, 0, line + '\n');
  return { text: lines.join(''), msg: `line added at line ${insertAt + 1}`, changed: true };
}

function absent(lines: string[], o: LineEdit): EditResult {
  const re = o.regexp !== undefined ? pyRegExp(o.regexp, 'regexp') : null;
  const matches = (l: string): boolean =>
    re ? re.test(bare(l)) : o.search_string !== undefined ? l.includes(o.search_string) : bare(l) === o.line;
  const kept = lines.filter((l) => !matches(l));
  const removed = lines.length - kept.length;
  return { text: kept.join(''), msg: removed ? `${removed} line(s) removed` : 'no matching line', changed: removed > 0 };
}

/** Apply the edit to a file's text ('' for a file about to be created). */
export function editLines(text: string, o: LineEdit): EditResult {
  const lines = splitLines(text);
  return o.state === 'absent' ? absent(lines, o) : present(lines, o);
}
