/**
 * The one place where values become shell words. Every remote command is built from parts with
 * `sh` (or `quote` for a single word), so inventory values containing `;`, `$()`, backticks,
 * quotes or newlines reach the host as data, never as shell.
 */

const SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** Quote one value as a single POSIX shell word. */
export function quote(value: string | number): string {
  const s = String(value);
  if (s.length > 0 && SAFE.test(s)) return s;
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** A piece of shell that must not be quoted (built by `sh` or `raw`). */
export class Shell {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

/** Mark trusted, already-built shell text. Use only for constants written in this codebase. */
export function raw(text: string): Shell {
  return new Shell(text);
}

type Part = string | number | Shell | ReadonlyArray<string | number | Shell>;

function render(p: Part): string {
  if (p instanceof Shell) return p.text;
  if (Array.isArray(p)) return p.map((x) => render(x as Part)).join(' ');
  return quote(p as string | number);
}

/**
 * Tagged template for commands: literal text is shell, every interpolated value is quoted
 * (arrays become several words). `sh\`cat ${path}\`` → `cat '/opt/my dir/x'`.
 */
export function sh(strings: TemplateStringsArray, ...values: Part[]): Shell {
  let out = strings[0] ?? '';
  values.forEach((v, i) => {
    out += render(v) + (strings[i + 1] ?? '');
  });
  return new Shell(out);
}
