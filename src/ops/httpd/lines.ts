/**
 * A line model that round-trips byte for byte: each line keeps its own ending (`\n`, `\r\n`, or
 * none on a last line without newline), so editing one line leaves every other byte alone, and
 * Windows-edited files stay CRLF.
 */

export interface LineDoc {
  /** Line contents, without their endings. */
  body: string[];
  /** Each line's ending, `''` for a last line that has none. */
  end: string[];
  /** The ending used for lines we add: the file's first ending, else `\n`. */
  eol: string;
}

export function toLines(text: string): LineDoc {
  const parts = text === '' ? [] : text.split(/(?<=\n)/);
  const body: string[] = [];
  const end: string[] = [];
  for (const p of parts) {
    const m = /\r?\n$/.exec(p);
    const e = m ? m[0] : '';
    body.push(p.slice(0, p.length - e.length));
    end.push(e);
  }
  return { body, end, eol: end.find((e) => e !== '') ?? '\n' };
}

export function fromLines(doc: LineDoc): string {
  return doc.body.map((b, i) => b + (doc.end[i] ?? '')).join('');
}

/** Insert lines after index `after` (-1: at the top), ending each with the file's eol. */
export function insertLines(doc: LineDoc, after: number, lines: string[]): void {
  if (lines.length === 0) return;
  // A last line without newline gets one, or the inserted text would glue onto it.
  if (after >= 0 && after === doc.body.length - 1 && doc.end[after] === '') doc.end[after] = doc.eol;
  doc.body.splice(after + 1, 0, ...lines);
  doc.end.splice(after + 1, 0, ...lines.map(() => doc.eol));
}

/** Replace lines `from..to` (inclusive) with `lines`, keeping the ending of the last one. */
export function replaceLines(doc: LineDoc, from: number, to: number, lines: string[]): void {
  const lastEnd = doc.end[to] ?? doc.eol;
  const ends = lines.map((_, i) => (i === lines.length - 1 ? lastEnd : doc.eol));
  doc.body.splice(from, to - from + 1, ...lines);
  doc.end.splice(from, to - from + 1, ...ends);
}

/** Escape a literal for use inside a RegExp. */
export function reEscape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
