/**
 * A format-preserving XML document. Parsing uses @xml-tools/parser + @xml-tools/ast (they give
 * exact offsets for elements, attributes and tag syntax); edits are text splices at those offsets,
 * written by hand because no maintained JS library edits XML while preserving the untouched bytes
 * (comments, attribute order, quotes, line breaks inside tags, indentation). After every splice
 * the text is parsed again, so handles stay simple and an editing bug cannot yield broken XML.
 */
import { parse } from '@xml-tools/parser';
import { buildAst, type XMLDocument, type XMLElement } from '@xml-tools/ast';
import type { IToken } from 'chevrotain';
import { OperationError } from '../core/errors.ts';
import { decodeEntities, lineColumn } from './text.ts';

/** A comment token among an element's direct children. `end` is exclusive. */
export interface XmlComment {
  start: number;
  end: number;
  /** Text between `<!--` and `-->`. */
  inner: string;
}

function notWellFormed(file: string, text: string, offset: number, what: string): OperationError {
  const { line, column } = lineColumn(text, offset);
  return new OperationError(`${file}:${line}:${column}: not well-formed XML: ${what}`, {
    pos: { file, line, column },
    hint: `Fix ${file} near line ${line}, column ${column} (xmllint --noout shows the same), then run again.`,
  });
}

function check(file: string, text: string, el: XMLElement): void {
  const { openName, closeName, isSelfClosing } = el.syntax;
  if (!isSelfClosing && closeName && openName && closeName.image !== openName.image) {
    throw notWellFormed(file, text, closeName.startOffset, `</${closeName.image}> closes <${openName.image}>`);
  }
  const seen = new Set<string>();
  for (const a of el.attributes) {
    if (a.key && seen.has(a.key)) throw notWellFormed(file, text, a.position.startOffset, `duplicate attribute ${a.key}`);
    if (a.key) seen.add(a.key);
  }
  el.subElements.forEach((s) => check(file, text, s));
}

/**
 * Parsed documents by text. Hosts of one cluster mostly carry the same server.xml, and planning
 * parses each text several times: parsing (chevrotain) is the control machine's main CPU cost.
 * Parse results are only read, never changed, so they can be shared. Bounded, oldest out first.
 */
const PARSED = new Map<string, { ast: XMLDocument; comments: IToken[] }>();
const PARSED_MAX = 64;

function remember(text: string, v: { ast: XMLDocument; comments: IToken[] }): void {
  if (PARSED.size >= PARSED_MAX) PARSED.delete(PARSED.keys().next().value as string);
  PARSED.set(text, v);
}

export class XmlDoc {
  text!: string;
  ast!: XMLDocument;
  /** Comment tokens of the whole document, in order. */
  comments!: IToken[];
  /** Line ending used when inserting text (CRLF if the file uses it). */
  eol!: string;

  constructor(
    text: string,
    readonly file: string,
  ) {
    this.load(text);
  }

  private load(text: string): void {
    const hit = PARSED.get(text);
    if (hit) return void Object.assign(this, hit, { text, eol: text.includes('\r\n') ? '\r\n' : '\n' });
    const r = parse(text);
    const lex = r.lexErrors[0];
    if (lex) throw notWellFormed(this.file, text, lex.offset, lex.message.replace(/, skipped.*$/, ''));
    const pe = r.parseErrors[0];
    if (pe) {
      // A mismatched close tag is the likelier cause of a later parse error: report it first.
      const partial = buildAst(r.cst as never, r.tokenVector).rootElement;
      if (partial) check(this.file, text, partial);
      const off = Number.isFinite(pe.token.startOffset) ? pe.token.startOffset : text.length;
      const what = pe.token.image ? `unexpected ${JSON.stringify(pe.token.image)}` : 'unexpected end of file (unclosed element?)';
      throw notWellFormed(this.file, text, off, what);
    }
    const ast = buildAst(r.cst as never, r.tokenVector);
    if (!ast.rootElement) throw notWellFormed(this.file, text, 0, 'no root element');
    check(this.file, text, ast.rootElement);
    this.text = text;
    this.ast = ast;
    this.comments = r.tokenVector.filter((t) => t.tokenType.name === 'Comment');
    this.eol = text.includes('\r\n') ? '\r\n' : '\n';
    remember(text, { ast, comments: this.comments });
  }

  /** Replace text[start, end) with `insert` and re-parse. */
  splice(start: number, end: number, insert: string): void {
    this.load(this.text.slice(0, start) + insert + this.text.slice(end));
  }

  root(): XmlEl {
    return new XmlEl(this, []);
  }

  /** The current text. */
  serialize(): string {
    return this.text;
  }
}

/**
 * A handle to an element: its path of child indices from the root, resolved against the current
 * text on every access. Attribute edits keep every handle valid; inserting or removing an element
 * shifts the handles of its later siblings (ancestors stay valid).
 */
export class XmlEl {
  constructor(
    readonly doc: XmlDoc,
    readonly indexPath: readonly number[],
  ) {}

  get node(): XMLElement {
    let el = this.doc.ast.rootElement as XMLElement;
    for (const i of this.indexPath) {
      const next = el.subElements[i];
      if (!next) throw new Error(`stale XML element handle ${this.indexPath.join('/')}`);
      el = next;
    }
    return el;
  }

  /** Local name (without namespace prefix). */
  get name(): string {
    return this.node.name ?? '';
  }

  /** Start offset of the element's `<`. */
  get start(): number {
    return this.node.position.startOffset;
  }

  /** Offset just after the element's last `>`. */
  get end(): number {
    return this.node.position.endOffset + 1;
  }

  /** Offset just after the start tag's `>` (or `/>`). */
  get openEnd(): number {
    return this.node.syntax.openBody!.endOffset + 1;
  }

  /** The element's source text, byte for byte. */
  source(): string {
    return this.doc.text.slice(this.start, this.end);
  }

  /** Decoded attribute value, or undefined. */
  attr(name: string): string | undefined {
    const a = this.node.attributes.find((x) => x.key === name);
    return a?.value == null ? undefined : decodeEntities(a.value);
  }

  /** All attributes, decoded, in source order. */
  attrs(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const a of this.node.attributes) if (a.key) out[a.key] = decodeEntities(a.value ?? '');
    return out;
  }

  children(name?: string): XmlEl[] {
    return this.node.subElements
      .map((_, i) => new XmlEl(this.doc, [...this.indexPath, i]))
      .filter((c) => name === undefined || c.name === name);
  }

  parent(): XmlEl | undefined {
    return this.indexPath.length ? new XmlEl(this.doc, this.indexPath.slice(0, -1)) : undefined;
  }

  /** Comments that are direct children of this element (not inside a child element). */
  comments(): XmlComment[] {
    const node = this.node;
    if (node.syntax.isSelfClosing) return [];
    const from = this.openEnd;
    const to = node.syntax.closeBody?.startOffset ?? this.end;
    const inChild = (o: number) => node.subElements.some((s) => o >= s.position.startOffset && o <= s.position.endOffset);
    return this.doc.comments
      .filter((t) => t.startOffset >= from && t.startOffset < to && !inChild(t.startOffset))
      .map((t) => ({ start: t.startOffset, end: t.endOffset! + 1, inner: t.image.slice(4, -3) }));
  }
}

/** Parse XML text; not well-formed → OperationError with file:line:column and a hint. */
export function parseXml(text: string, file: string): XmlDoc {
  return new XmlDoc(text, file);
}
