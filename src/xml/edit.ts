/** Edits as text splices at parser offsets; everything outside the edited span keeps its bytes. */
import { XmlEl, type XmlComment } from './doc.ts';
import { escapeAttr, indentAt, lineStart, onlyWhitespaceBefore, reindent } from './text.ts';

/** Set an attribute: replace its value in place (same quotes), or append it in the tag's style. */
export function setAttr(el: XmlEl, name: string, value: string): void {
  const { doc, node } = el;
  const existing = node.attributes.find((a) => a.key === name);
  if (existing?.syntax.value) {
    if (el.attr(name) === value) return;
    const tok = existing.syntax.value;
    const q = tok.image[0] === "'" ? "'" : '"';
    doc.splice(tok.startOffset, tok.endOffset + 1, q + escapeAttr(value, q) + q);
    return;
  }
  const last = node.attributes[node.attributes.length - 1];
  const nameTok = node.syntax.openName!;
  const q = last?.syntax.value?.image[0] === "'" ? "'" : '"';
  const attrText = `${name}=${q}${escapeAttr(value, q)}${q}`;
  if (!last) {
    doc.splice(nameTok.endOffset + 1, nameTok.endOffset + 1, ` ${attrText}`);
    return;
  }
  const lastStart = last.position.startOffset;
  const after = last.position.endOffset + 1;
  // One attribute per line (Tomcat's style): put the new one on its own line, aligned.
  if (last.position.startLine !== nameTok.startLine && onlyWhitespaceBefore(doc.text, lastStart)) {
    const pad = doc.text.slice(lineStart(doc.text, lastStart), lastStart);
    doc.splice(after, after, doc.eol + pad + attrText);
  } else {
    doc.splice(after, after, ` ${attrText}`);
  }
}

/** Remove an attribute and the whitespace before it. No-op when absent. */
export function removeAttr(el: XmlEl, name: string): void {
  const { node } = el;
  const i = node.attributes.findIndex((a) => a.key === name);
  if (i < 0) return;
  const a = node.attributes[i]!;
  const prevEnd = i > 0 ? node.attributes[i - 1]!.position.endOffset + 1 : node.syntax.openName!.endOffset + 1;
  el.doc.splice(prevEnd, a.position.endOffset + 1, '');
}

/** The indentation for a new child of `parent`, inferred from its children or the document. */
export function childIndent(parent: XmlEl): string {
  const text = parent.doc.text;
  const first = [...parent.children().map((c) => c.start), ...parent.comments().map((c) => c.start)].sort((a, b) => a - b)[0];
  if (first !== undefined && onlyWhitespaceBefore(text, first)) return indentAt(text, first);
  return indentAt(text, parent.start) + indentUnit(parent.doc.root());
}

function indentUnit(root: XmlEl): string {
  const text = root.doc.text;
  const queue = [root];
  for (let n = 0; n < 200 && queue.length; n++) {
    const el = queue.shift()!;
    const kids = el.children();
    const kid = kids[0];
    if (kid && onlyWhitespaceBefore(text, kid.start) && onlyWhitespaceBefore(text, el.start)) {
      const a = indentAt(text, el.start);
      const b = indentAt(text, kid.start);
      if (b.startsWith(a) && b.length > a.length) return b.slice(a.length);
    }
    queue.push(...kids);
  }
  return '  ';
}

/** Where `insertChild` puts the new element. */
export type InsertPosition = 'first' | 'last' | { after: XmlEl | XmlComment } | { before: XmlEl | XmlComment };

/** Insert `xmlText` (one element, written at column 0) as a child of `parent`; returns its handle. */
export function insertChild(parent: XmlEl, xmlText: string, position: InsertPosition = 'last'): XmlEl {
  const { doc } = parent;
  const indent = childIndent(parent);
  const body = reindent(xmlText, indent, doc.eol);
  const node = parent.node;
  let at: number;
  let insert: string;
  let elementAt: number;
  const items = [...parent.children().map((c) => ({ start: c.start, end: c.end })), ...parent.comments()].sort((a, b) => a.start - b.start);
  if (typeof position === 'object' && 'before' in position) {
    at = position.before.start;
    insert = body + doc.eol + indent;
    elementAt = at;
  } else if (typeof position === 'object' && 'after' in position) {
    at = position.after.end;
    insert = doc.eol + indent + body;
    elementAt = at + doc.eol.length + indent.length;
  } else if (node.syntax.isSelfClosing) {
    return expandSelfClosing(parent, body, indent);
  } else if (position === 'first' || items.length === 0) {
    at = parent.openEnd;
    const closeStart = node.syntax.closeBody!.startOffset;
    const emptyBody = items.length === 0 && /^\s*$/.test(doc.text.slice(at, closeStart));
    insert = doc.eol + indent + body + (emptyBody ? doc.eol + indentAt(doc.text, parent.start) : '');
    elementAt = at + doc.eol.length + indent.length;
    if (emptyBody) return spliceFind(parent, at, closeStart, insert, elementAt);
  } else {
    at = items[items.length - 1]!.end;
    insert = doc.eol + indent + body;
    elementAt = at + doc.eol.length + indent.length;
  }
  return spliceFind(parent, at, at, insert, elementAt);
}

function spliceFind(parent: XmlEl, from: number, to: number, insert: string, elementAt: number): XmlEl {
  parent.doc.splice(from, to, insert);
  const i = parent.node.subElements.findIndex((s) => s.position.startOffset === elementAt);
  if (i < 0) throw new Error('inserted element not found after splice');
  return new XmlEl(parent.doc, [...parent.indexPath, i]);
}

function expandSelfClosing(parent: XmlEl, body: string, indent: string): XmlEl {
  const { doc } = parent;
  const closeAt = parent.openEnd - 2;
  let from = closeAt;
  while (from > 0 && /[ \t]/.test(doc.text[from - 1]!)) from--;
  const head = '>' + doc.eol + indent;
  const tail = doc.eol + indentAt(doc.text, parent.start) + `</${parent.node.syntax.openName!.image}>`;
  return spliceFind(parent, from, parent.openEnd, head + body + tail, from + head.length);
}

/** Replace an element's text with `xmlText` (re-indented to the element's column). */
export function replaceElement(el: XmlEl, xmlText: string): XmlEl {
  const { doc } = el;
  doc.splice(el.start, el.end, reindent(xmlText, indentAt(doc.text, el.start), doc.eol));
  return el;
}

/** Remove an element; when it stands alone on its lines, remove those lines too. */
export function removeElement(el: XmlEl): void {
  removeSpan(el, el.doc);
}

/** Remove a span (element or comment) of `doc`, taking its own lines when it stands alone. */
export function removeSpan(span: { start: number; end: number }, doc: XmlEl['doc']): void {
  const text = doc.text;
  let { start, end } = span;
  const rest = /^[ \t]*(\r?\n|$)/.exec(text.slice(end));
  if (onlyWhitespaceBefore(text, start) && rest) {
    start = lineStart(text, start);
    end += rest[0].length;
  }
  doc.splice(start, end, '');
}
