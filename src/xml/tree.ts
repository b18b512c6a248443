/**
 * The offset tree the splicing editor works on. @rgrove/parse-xml checks well-formedness (it is a
 * strict, fast XML 1.0 parser) and gives each element's and comment's start and end offsets; it
 * does not give the offsets inside a start tag (attribute spans, the quote of a value) that
 * format-preserving edits need, so those are read here from the tag's text, which the parser has
 * already checked, so this scanner only ever sees well-formed tags.
 */
import { parseXml as parseStrict, XmlComment as PxComment, XmlElement as PxElement, XmlError, type XmlNode } from '@rgrove/parse-xml';

/** A span of source text. `endOffset` is inclusive (the offset of its last character). */
export interface Span {
  image: string;
  startOffset: number;
  endOffset: number;
  /** 1-based line of `startOffset`. */
  startLine: number;
}

/** One attribute as written: `key` and the raw (undecoded) `value` without its quotes. */
export interface XmlAttr {
  key: string;
  value: string;
  /** From the name's first character to the closing quote. */
  position: Span;
  /** The value with its quotes. */
  syntax: { value: Span };
}

/** One element with the offsets of its tag syntax. */
export interface XmlNodeEl {
  /** Local name (without a namespace prefix). */
  name: string;
  attributes: XmlAttr[];
  subElements: XmlNodeEl[];
  /** From `<` to the last `>`. */
  position: Span;
  syntax: {
    openName: Span;
    isSelfClosing: boolean;
    /** `endOffset`: the start tag's `>`. */
    openBody: { endOffset: number };
    /** `startOffset`: the `<` of the end tag (absent when self-closing). */
    closeBody?: { startOffset: number };
  };
}

/** A parsed document: the root element and every comment, in document order. */
export interface XmlTree {
  rootElement: XmlNodeEl;
  comments: Span[];
}

/** Not well-formed: the parser's words and the offset they refer to. */
export class XmlSyntaxError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

const NAME = /[^\s=/>]+/y;
const SPACE = /\s*/y;

function lineIndex(text: string): (offset: number) => number {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return (offset) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
}

function span(text: string, start: number, end: number, line: (o: number) => number): Span {
  return { image: text.slice(start, end), startOffset: start, endOffset: end - 1, startLine: line(start) };
}

function element(text: string, px: PxElement, line: (o: number) => number, comments: Span[]): XmlNodeEl {
  const start = px.start;
  const at = (re: RegExp, from: number) => {
    re.lastIndex = from;
    re.exec(text);
    return re.lastIndex;
  };
  const nameEnd = at(NAME, start + 1);
  const attributes: XmlAttr[] = [];
  let i = at(SPACE, nameEnd);
  while (text[i] !== '>' && text[i] !== '/') {
    const keyEnd = at(NAME, i);
    const q = at(SPACE, at(SPACE, keyEnd) + 1);
    const close = text.indexOf(text[q]!, q + 1);
    attributes.push({
      key: text.slice(i, keyEnd),
      value: text.slice(q + 1, close),
      position: span(text, i, close + 1, line),
      syntax: { value: span(text, q, close + 1, line) },
    });
    i = at(SPACE, close + 1);
  }
  const isSelfClosing = text[i] === '/';
  const openEnd = isSelfClosing ? i + 1 : i;
  const subElements: XmlNodeEl[] = [];
  for (const c of px.children) {
    if (c instanceof PxElement) subElements.push(element(text, c, line, comments));
    else if (c instanceof PxComment) comments.push(span(text, c.start, c.end, line));
  }
  const localName = px.name.slice(px.name.indexOf(':') + 1);
  return {
    name: localName,
    attributes,
    subElements,
    position: span(text, start, px.end, line),
    syntax: {
      openName: span(text, start + 1, nameEnd, line),
      isSelfClosing,
      openBody: { endOffset: openEnd },
      closeBody: isSelfClosing ? undefined : { startOffset: text.lastIndexOf('</', px.end - 1) },
    },
  };
}

/** The parser's message without its "(line L, column C)" tail, and the offset it names. */
function syntaxError(text: string, e: XmlError): XmlSyntaxError {
  const what = e.message.replace(/\s*\(line \d+, column \d+\)[\s\S]*$/, '');
  const missing = /^Missing end tag for element (\S+)/.exec(what);
  if (missing && text.startsWith('</', e.pos)) {
    const close = /^<\/([^\s>]*)/.exec(text.slice(e.pos))![1];
    return new XmlSyntaxError(`</${close}> closes <${missing[1]}>`, e.pos + 2);
  }
  if (missing && !text.slice(e.pos).trim()) return new XmlSyntaxError(`unexpected end of file (unclosed <${missing[1]}>)`, e.pos);
  const plain = what.replace(/^Duplicate attribute: /, 'duplicate attribute ');
  return new XmlSyntaxError(plain.charAt(0).toLowerCase() + plain.slice(1), e.pos);
}

/** Parse well-formed XML into the offset tree; otherwise throw XmlSyntaxError. */
export function parseTree(text: string): XmlTree {
  let doc;
  try {
    doc = parseStrict(text, { includeOffsets: true, preserveComments: true, preserveDocumentType: false });
  } catch (e) {
    if (e instanceof XmlError) throw syntaxError(text, e);
    throw e;
  }
  const line = lineIndex(text);
  const comments: Span[] = [];
  let rootElement: XmlNodeEl | undefined;
  for (const c of doc.children as XmlNode[]) {
    if (c instanceof PxElement) rootElement = element(text, c, line, comments);
    else if (c instanceof PxComment) comments.push(span(text, c.start, c.end, line));
  }
  if (!rootElement) throw new XmlSyntaxError('no root element', 0);
  comments.sort((a, b) => a.startOffset - b.startOffset);
  return { rootElement, comments };
}
