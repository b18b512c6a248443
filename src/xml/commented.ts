/**
 * Commented-out elements: Tomcat ships the AJP connector and `<Cluster>` inside `<!-- -->`. A
 * comment whose whole content is one well-formed element is recognised as that element, so a
 * planner can uncomment it instead of adding a second copy beside it.
 */
import { XmlDoc, XmlEl, type XmlComment } from './doc.ts';
import { matchStep, parsePath } from './path.ts';
import { find } from './path.ts';
import { decodeEntities } from './text.ts';
import { parseTree } from './tree.ts';

export interface CommentedElement {
  comment: XmlComment;
  /** The parent the element would have once uncommented. */
  parent: XmlEl;
  name: string;
  attrs: Record<string, string>;
  /** The element's text inside the comment, trimmed. */
  text: string;
}

/** The element a comment holds, when the comment holds exactly one element and nothing else. */
export function commentedElement(parent: XmlEl, comment: XmlComment): CommentedElement | undefined {
  const text = comment.inner.trim();
  if (!text.startsWith('<') || !text.endsWith('>')) return undefined;
  let root;
  try {
    root = parseTree(text).rootElement;
  } catch {
    return undefined;
  }
  if (root.position.startOffset !== 0 || root.position.endOffset !== text.length - 1) return undefined;
  const attrs: Record<string, string> = {};
  for (const a of root.attributes) attrs[a.key] = decodeEntities(a.value);
  return { comment, parent, name: root.name, attrs, text };
}

/** Commented-out elements matching `path` (its last step is matched inside the comments). */
export function findCommented(from: XmlDoc | XmlEl, path: string): CommentedElement[] {
  const steps = parsePath(path);
  const last = steps.pop()!;
  const parentPath = steps
    .map((s) => s.name + s.preds.map((p) => (p.value === null ? `[@${p.attr}]` : `[@${p.attr}="${p.value}"]`)).join(''))
    .join('/');
  const parent = parentPath ? find(from, parentPath) : from instanceof XmlEl ? from : undefined;
  if (!parent) return [];
  return parent
    .comments()
    .map((c) => commentedElement(parent, c))
    .filter((c): c is CommentedElement => !!c && matchStep(last, c.name, c.attrs));
}

/** Replace the comment with the element it holds; returns the element's handle. */
export function uncomment(c: CommentedElement): XmlEl {
  const { parent, comment } = c;
  const index = parent.node.subElements.filter((s) => s.position.startOffset < comment.start).length;
  parent.doc.splice(comment.start, comment.end, c.text);
  return new XmlEl(parent.doc, [...parent.indexPath, index]);
}
