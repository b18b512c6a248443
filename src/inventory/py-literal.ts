/**
 * Python's `ast.literal_eval`, for the values of an INI inventory: Ansible's INI plugin passes
 * every `key=value` through it, so `2222` is an int, `True` a bool, `[1, 2]` a list and `yes` or
 * `web-1` stay strings. Hand-written because no npm library evaluates Python literals; it covers
 * what literal_eval accepts: numbers, strings, True/False/None, lists, tuples, dicts and sets.
 */

import { PY_ESCAPES } from '../core/py-escapes.ts';

/** The value literal_eval gives, or `undefined` when it would raise (the caller keeps the text). */
export function literalEval(text: string): unknown {
  const p = new Parser(text);
  try {
    p.space();
    const v = p.value();
    p.space();
    return p.done() ? v : undefined;
  } catch {
    return undefined;
  }
}

const NUMBER = /^[+-]?(?:0[xX][0-9a-fA-F_]+|0[oO][0-7_]+|0[bB][01_]+|(?:\d[\d_]*\.?[\d_]*|\.\d[\d_]*)(?:[eE][+-]?\d+)?)/;
// `\0` is the one octal escape literal_eval meets in inventories; the rest are Python's.
const ESCAPES: Record<string, string> = { ...PY_ESCAPES, '0': '\0' };

class Parser {
  private i = 0;
  constructor(private readonly s: string) {}

  done(): boolean {
    return this.i >= this.s.length;
  }

  space(): void {
    while (this.i < this.s.length && /\s/.test(this.s[this.i]!)) this.i++;
  }

  private fail(): never {
    throw new Error('not a literal');
  }

  private eat(c: string): boolean {
    this.space();
    if (this.s[this.i] !== c) return false;
    this.i++;
    return true;
  }

  value(): unknown {
    this.space();
    const c = this.s[this.i];
    if (c === '[') return this.seq('[', ']');
    if (c === '(') return this.seq('(', ')');
    if (c === '{') return this.mapOrSet();
    if (c === '"' || c === "'") return this.str();
    for (const [word, v] of [
      ['True', true],
      ['False', false],
      ['None', null],
    ] as const) {
      if (this.s.startsWith(word, this.i) && !/\w/.test(this.s[this.i + word.length] ?? '')) {
        this.i += word.length;
        return v;
      }
    }
    return this.num();
  }

  private num(): number {
    const m = NUMBER.exec(this.s.slice(this.i));
    if (!m || /\w/.test(this.s[this.i + m[0].length] ?? '')) this.fail();
    const raw = m[0].replace(/_/g, '');
    this.i += m[0].length;
    const sign = raw.startsWith('-') ? -1 : 1;
    const body = raw.replace(/^[+-]/, '');
    // Python 3 refuses `010` (a leading zero on a decimal integer), so it stays a string.
    if (/^0\d/.test(body) && !/[.eE]/.test(body) && !/^0+$/.test(body)) this.fail();
    if (/^0[xX]/.test(body)) return sign * parseInt(body.slice(2), 16);
    if (/^0[oO]/.test(body)) return sign * parseInt(body.slice(2), 8);
    if (/^0[bB]/.test(body)) return sign * parseInt(body.slice(2), 2);
    return sign * Number(body);
  }

  private str(): string {
    const q = this.s[this.i]!;
    const triple = this.s.startsWith(q.repeat(3), this.i);
    const end = triple ? q.repeat(3) : q;
    this.i += end.length;
    let out = '';
    while (!this.s.startsWith(end, this.i)) {
      if (this.i >= this.s.length || (!triple && this.s[this.i] === '\n')) this.fail();
      const c = this.s[this.i++]!;
      if (c !== '\\') out += c;
      else {
        const e = this.s[this.i++] ?? '';
        out += ESCAPES[e] ?? `\\${e}`;
      }
    }
    this.i += end.length;
    // Adjacent literals concatenate, as in Python: 'a' 'b' is 'ab'.
    this.space();
    return this.s[this.i] === '"' || this.s[this.i] === "'" ? out + this.str() : out;
  }

  private seq(open: string, close: string): unknown[] {
    this.eat(open);
    const out: unknown[] = [];
    while (!this.eat(close)) {
      out.push(this.value());
      if (!this.eat(',')) {
        if (!this.eat(close)) this.fail();
        return out;
      }
    }
    return out;
  }

  private mapOrSet(): unknown {
    this.eat('{');
    if (this.eat('}')) return {};
    const first = this.value();
    if (this.eat(':')) {
      const out: Record<string, unknown> = {};
      out[String(first)] = this.value();
      while (this.eat(',')) {
        if (this.eat('}')) return out;
        const k = this.value();
        if (!this.eat(':')) this.fail();
        out[String(k)] = this.value();
      }
      if (!this.eat('}')) this.fail();
      return out;
    }
    // A set: Ansible keeps it as a set; a list is the nearest JSON value.
    const items = [first];
    while (this.eat(',')) {
      if (this.eat('}')) return items;
      items.push(this.value());
    }
    if (!this.eat('}')) this.fail();
    return items;
  }
}
