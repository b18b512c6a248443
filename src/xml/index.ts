/** Format-preserving XML editing: parse, find, splice, serialize. */
export { parseXml, XmlDoc, XmlEl, type XmlComment } from './doc.ts';
export { find, findAll, parsePath, type PathStep } from './path.ts';
export { findCommented, uncomment, commentedElement, type CommentedElement } from './commented.ts';
export { setAttr, removeAttr, insertChild, replaceElement, removeElement, removeSpan, childIndent, type InsertPosition } from './edit.ts';
export { escapeAttr, decodeEntities } from './text.ts';
