/**
 * A format-preserving XML document. Parsing (tree.ts) gives exact offsets for elements, attributes
 * and tag syntax; edits are text splices at those offsets,
 * written by hand because no maintained JS library edits XML while preserving the untouched bytes
 * (comments, attribute order, quotes, line breaks inside tags, indentation). After every splice
 * the text is parsed again, so handles stay simple and an editing bug cannot yield broken XML.
 */
import { OperationError } from '../core/errors.ts';
import { decodeEntities, lineColumn } from './text.ts';
import { parseTree, XmlSyntaxError, type Span, type XmlNodeEl, type XmlTree } from './tree.ts';

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

/**
 * Parsed documents by text. Hosts of one cluster mostly carry the same server.xml, and planning
 * parses each text several times (and again after every splice).
 * Parse results are only read, never changed, so they can be shared. Bounded, oldest out first.
 */
const PARSED = new Map<string, XmlTree>();
const PARSED_MAX = 64;

function remember(text: string, v: XmlTree): void {
  if (PARSED.size >= PARSED_MAX) PARSED.delete(PARSED.keys().next().value as string);
  PARSED.set(text, v);
}

export class XmlDoc {
  text!: string;
  ast!: XmlTree;
  /** Comments of the whole document, in order. */
  comments!: Span[];
  /** Line ending used when inserting text (CRLF if the file uses it). */
  eol!: string;

  constructor(
    text: string,
    readonly file: string,
  ) {
    this.load(text);
  }

  private load(text: string): void {
    let tree = PARSED.get(text);
    if (!tree) {
      try {
        tree = parseTree(text);
      } catch (e) {
        if (e instanceof XmlSyntaxError) throw notWellFormed(this.file, text, e.offset, e.message);
        throw e;
      }
      remember(text, tree);
    }
    this.text = text;
    this.ast = tree;
    this.comments = tree.comments;
    this.eol = text.includes('\r\n') ? '\r\n' : '\n';
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

  /** The node resolved against the tree it was resolved in (a splice makes a new tree). */
  private resolved?: { ast: XmlTree; node: XmlNodeEl };

  get node(): XmlNodeEl {
    if (this.resolved?.ast === this.doc.ast) return this.resolved.node;
    let el = this.doc.ast.rootElement;
    for (const i of this.indexPath) {
      const next = el.subElements[i];
      if (!next) throw new Error(`stale XML element handle ${this.indexPath.join('/')}`);
      el = next;
    }
    this.resolved = { ast: this.doc.ast, node: el };
    return el;
  }

  /** Local name (without namespace prefix). */
  get name(): string {
    return this.node.name;
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
    return this.node.syntax.openBody.endOffset + 1;
  }

  /** The element's source text, byte for byte. */
  source(): string {
    return this.doc.text.slice(this.start, this.end);
  }

  /** Decoded attribute value, or undefined. */
  attr(name: string): string | undefined {
    const a = this.node.attributes.find((x) => x.key === name);
    return a ? decodeEntities(a.value) : undefined;
  }

  /** All attributes, decoded, in source order. */
  attrs(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const a of this.node.attributes) out[a.key] = decodeEntities(a.value);
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
      .map((t) => ({ start: t.startOffset, end: t.endOffset + 1, inner: t.image.slice(4, -3) }));
  }
}

/** Parse XML text; not well-formed → OperationError with file:line:column and a hint. */
export function parseXml(text: string, file: string): XmlDoc {
  return new XmlDoc(text, file);
}
