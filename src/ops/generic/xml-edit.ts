/**
 * The edits of the `xml` operation (like community.general.xml) on the format-preserving editor
 * of src/xml: set or remove an attribute, set an element's text, ensure an element or children
 * exist, remove elements. Each function edits the document and returns what it did (or why not).
 */
import {
  decodeEntities,
  escapeAttr,
  find,
  findAll,
  insertChild,
  parsePath,
  parseXml,
  removeAttr,
  removeElement,
  setAttr,
  type PathStep,
  type XmlDoc,
  type XmlEl,
} from '../../xml/index.ts';
import { fail } from './common.ts';

/** A child for `add_children`: an element name, `{name: {attr: value}}`, or XML text. */
export type ChildSpec = string | Record<string, Record<string, string | number | boolean>>;

/** Parse the operation's selector: the editor's path syntax, with an optional XPath-like leading `/`. */
export function steps(xpath: string): { path: string; steps: PathStep[] } {
  const path = xpath.replace(/^\/(?!\/)/, '');
  try {
    return { path, steps: parsePath(path) };
  } catch (e) {
    return fail(
      `xpath ${JSON.stringify(xpath)} is not supported: ${(e as Error).message}`,
      'write it as /Root/Child/Element[@attr="value"]: names separated by /, optional [@attr="value"] predicates (no //, no functions)',
    );
  }
}

function snippet(name: string, attrs: Record<string, string>): string {
  return `<${name}${Object.entries(attrs)
    .map(([k, v]) => ` ${k}="${escapeAttr(v)}"`)
    .join('')}/>`;
}

/** A parsed step back as text (predicate values may contain `/`, so paths are not split as text). */
function stepText(s: PathStep): string {
  return (
    s.name +
    s.preds
      .map((p) => (p.value === null ? `[@${p.attr}]` : p.value.includes('"') ? `[@${p.attr}='${p.value}']` : `[@${p.attr}="${p.value}"]`))
      .join('')
  );
}

/** Create the element a simple path names (its predicates become attributes) under its parent. */
export function ensureElement(doc: XmlDoc, xpath: string): { els: XmlEl[]; created: boolean } {
  const { path, steps: all } = steps(xpath);
  const existing = findAll(doc, path);
  if (existing.length) return { els: existing, created: false };
  const last = all[all.length - 1]!;
  const parentPath = all.slice(0, -1).map(stepText).join('/');
  const parent = all.length > 1 ? find(doc, parentPath) : undefined;
  if (!parent || last.name === '*' || last.preds.some((p) => p.value === null)) {
    fail(
      `${xpath} matches nothing in ${doc.file} and cannot be created`,
      parent
        ? 'only elements named plainly, with [@attr="value"] predicates, can be created'
        : `its parent ${parentPath || '(root)'} does not exist: create that first`,
    );
  }
  const attrs = Object.fromEntries(last.preds.map((p) => [p.attr, p.value as string]));
  return { els: [insertChild(parent, snippet(last.name, attrs))], created: true };
}

/** The element's text (decoded), or null when it has child elements. */
function textOf(el: XmlEl): string | null {
  const n = el.node;
  if (n.subElements.length) return null;
  if (n.syntax.isSelfClosing || !n.syntax.closeBody) return '';
  return decodeEntities(el.doc.text.slice(el.openEnd, n.syntax.closeBody.startOffset));
}

const escapeText = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Set the text of a leaf element; returns false when it already has it. */
export function setText(el: XmlEl, value: string): boolean {
  const now = textOf(el);
  if (now === null)
    fail(`<${el.name}> in ${el.doc.file} has child elements; its text cannot be set`, 'point xpath at a leaf element, or use add_children');
  if (now === value) return false;
  const n = el.node;
  if (n.syntax.isSelfClosing || !n.syntax.closeBody) {
    // `<a x="1"/>` → `<a x="1">value</a>`, dropping spaces before `/>`.
    let from = el.openEnd - 2;
    while (/[ \t]/.test(el.doc.text[from - 1] ?? '')) from--;
    el.doc.splice(from, el.openEnd, `>${escapeText(value)}</${n.syntax.openName!.image}>`);
  } else {
    el.doc.splice(el.openEnd, n.syntax.closeBody.startOffset, escapeText(value));
  }
  return true;
}

/** A child spec as XML text plus its identity (name and attributes) for the "already there" test. */
function childXml(spec: ChildSpec): { xml: string; name: string; attrs: Record<string, string> } {
  if (typeof spec === 'string' && spec.trim().startsWith('<')) {
    const root = parseXml(spec, 'add_children item').root();
    return { xml: spec.trim(), name: root.name, attrs: root.attrs() };
  }
  if (typeof spec === 'string') return { xml: `<${spec}/>`, name: spec, attrs: {} };
  const entries = Object.entries(spec);
  if (entries.length !== 1)
    fail(`add_children item ${JSON.stringify(spec)} must name exactly one element`, 'write it as {ElementName: {attr: value}}');
  const [name, raw] = entries[0]!;
  const attrs = Object.fromEntries(Object.entries(raw ?? {}).map(([k, v]) => [k, String(v)]));
  return { xml: snippet(name, attrs), name, attrs };
}

/** Add each child unless an element of that name with those attributes is already there. */
export function addChildren(el: XmlEl, specs: ChildSpec[]): string[] {
  const added: string[] = [];
  for (const spec of specs) {
    const c = childXml(spec);
    const there = el.children(c.name).some((k) => Object.entries(c.attrs).every(([a, v]) => k.attr(a) === v));
    if (there) continue;
    insertChild(el, c.xml);
    added.push(`<${c.name}>`);
  }
  return added;
}

/** An element as `set_children` compares it: name, attributes, its children in order, and a leaf's text (trimmed). */
function canon(el: XmlEl): unknown {
  const kids = el.children();
  const attrs = Object.entries(el.attrs()).sort(([a], [b]) => a.localeCompare(b));
  return [el.name, attrs, kids.length ? kids.map(canon) : (textOf(el) ?? '').trim()];
}

/**
 * Make the element's children exactly `specs`, in order (Ansible's `set_children`); returns what it
 * did, nothing when they already are. Comments among the old children stay.
 */
export function setChildren(el: XmlEl, specs: ChildSpec[]): string[] {
  const want = specs.map((spec) => childXml(spec));
  const wanted = want.map((w) => JSON.stringify(canon(parseXml(w.xml, 'set_children item').root())));
  const have = el.children();
  if (have.length === want.length && have.every((k, i) => JSON.stringify(canon(k)) === wanted[i])) return [];
  // Later siblings' handles shift after a removal: remove from the last one backwards.
  for (const k of [...have].reverse()) removeElement(k);
  for (const w of want) insertChild(el, w.xml);
  return [`set the children of <${el.name}> to ${want.length ? want.map((w) => `<${w.name}>`).join('') : 'none'}`];
}

export { removeAttr, removeElement, setAttr };
