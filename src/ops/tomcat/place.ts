/**
 * Put a whole element in place idempotently: replace the active one (unless it already means the
 * same), or the commented-out one Tomcat ships, or insert it as the parent's first child.
 */
import { parseXml, find, findCommented, insertChild, removeElement, replaceElement, uncomment, type XmlEl } from '../../xml/index.ts';

type Canon = { n: string; a: [string, string][]; c: Canon[] };

function canon(el: XmlEl): Canon {
  const a = Object.entries(el.attrs()).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0));
  return { n: el.name, a, c: el.children().map(canon) };
}

/** Same element tree (names, attributes, order of children), whatever the formatting. */
export function sameElement(a: XmlEl, bText: string): boolean {
  const b = parseXml(bText, '(generated)').root();
  return JSON.stringify(canon(a)) === JSON.stringify(canon(b));
}

/**
 * Make `xmlText` the `name` child of `parent`. `elsewhere` lists other paths (relative to parent)
 * where an older copy may sit (e.g. `Host/Cluster`); such copies are removed.
 */
export function placeElement(parent: XmlEl, name: string, xmlText: string, elsewhere: string[] = []): void {
  const active = find(parent, name);
  if (active) {
    if (!sameElement(active, xmlText)) replaceElement(active, xmlText);
  } else {
    const commented = findCommented(parent, name)[0];
    if (commented) replaceElement(uncomment(commented), xmlText);
    else insertChild(parent, xmlText, 'first');
  }
  for (const path of elsewhere) {
    for (let i = 0; i < 10; i++) {
      const old = find(parent, path);
      if (!old) break;
      removeElement(old);
    }
  }
}
