/** Character-level helpers for the splicing XML editor: escaping, entity decoding, indentation. */

const NAMED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** Escape a value for an attribute delimited by `quote`. */
export function escapeAttr(value: string, quote: '"' | "'" = '"'): string {
  let out = value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  out = quote === '"' ? out.replace(/"/g, '&quot;') : out.replace(/'/g, '&apos;');
  // Literal whitespace controls would be normalised to spaces by an XML parser.
  return out.replace(/\t/g, '&#9;').replace(/\n/g, '&#10;').replace(/\r/g, '&#13;');
}

/** Decode the five predefined entities and character references of a raw attribute value. */
export function decodeEntities(raw: string): string {
  return raw.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-zA-Z]+);/g, (whole, ref: string) => {
    if (ref.startsWith('#x')) return String.fromCodePoint(parseInt(ref.slice(2), 16));
    if (ref.startsWith('#')) return String.fromCodePoint(parseInt(ref.slice(1), 10));
    return NAMED[ref] ?? whole;
  });
}

/** Offset of the first character of the line holding `offset`. */
export function lineStart(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

/** Whitespace that starts the line holding `offset` (the indentation of a tag beginning there). */
export function indentAt(text: string, offset: number): string {
  const start = lineStart(text, offset);
  return /^[ \t]*/.exec(text.slice(start, offset))?.[0] ?? '';
}

/** Is everything between the line start and `offset` whitespace? */
export function onlyWhitespaceBefore(text: string, offset: number): boolean {
  return /^[ \t]*$/.test(text.slice(lineStart(text, offset), offset));
}

/** 1-based line and column of an offset. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, Math.max(0, offset));
  const line = before.split('\n').length;
  return { line, column: offset - lineStart(text, offset) + 1 };
}

/**
 * Re-indent a snippet written at column 0: every line after the first gets `indent` prepended
 * (the first line lands where the caller splices it, after existing indentation).
 */
export function reindent(snippet: string, indent: string, eol: string): string {
  const lines = snippet
    .replace(/^\s*\n/, '')
    .trimEnd()
    .split(/\r?\n/);
  const common = Math.min(...lines.filter((l) => l.trim()).map((l) => /^[ \t]*/.exec(l)![0].length));
  return lines
    .map((l, i) => {
      const body = l.slice(Number.isFinite(common) ? common : 0);
      if (i === 0) return body;
      return body.trim() ? indent + body : '';
    })
    .join(eol);
}
