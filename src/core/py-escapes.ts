/** Python's one-character string escapes (`\n`, `\t`, …), as its string literals (and Jinja2's lexer) read them. */
export const PY_ESCAPES: Readonly<Record<string, string>> = {
  '\\': '\\',
  "'": "'",
  '"': '"',
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
};
