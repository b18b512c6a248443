/**
 * The one way generic operations write a file: compare checksums of the wanted bytes with the
 * host's `file` fact, then plan a `write` (content differs), an `attrs` (only owner/mode differ)
 * or nothing. copy, template, lineinfile, blockinfile and xml all end here; the write itself is
 * the kit's `writeChange`, as for the tomcat and httpd families.
 */
import type { FileDiff } from '../../core/result.ts';
import type { FileFact } from '../../facts/types.ts';
import { sha256, writeChange } from '../kit.ts';
import type { Plan } from '../types.ts';
import { attrFields, attrsToChange, describeAttrs, describeKept, fail, isEmpty, type Attrs } from './common.ts';

/** Files larger than this are not read for a diff; their diff is marked binary. */
export const MAX_DIFF_BYTES = 256 * 1024;

/** Also the kit's: copy's tests import it from here. */
export { sha256 };

/** Text we can show in a diff: valid UTF-8, no NUL byte, not too large. */
export function isText(data: Buffer): boolean {
  if (data.length > MAX_DIFF_BYTES || data.includes(0)) return false;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(data);
    return true;
  } catch {
    return false;
  }
}

/** What the diff shows: text on both sides, or the checksums when either side is binary or large. */
export function diffOf(path: string, fact: FileFact, wanted: Buffer): FileDiff {
  const before = fact.exists ? fact.content : undefined;
  const textBefore = !fact.exists || (before !== undefined && isText(before));
  if (textBefore && isText(wanted)) {
    return { path, before: before ? before.toString('utf8') : fact.exists ? '' : null, after: wanted.toString('utf8') };
  }
  return {
    path,
    before: fact.exists ? `sha256:${fact.sha256 ?? 'unknown'}` : null,
    after: `sha256:${sha256(wanted)}`,
    binary: true,
  };
}

export interface WriteWish {
  path: string;
  content: Buffer;
  attrs: Attrs;
  /** Validator command with `%s` for the temp file (Ansible's `validate`). */
  validate?: string;
  /** What wrote it, for the summary: "copy", "template roles/x.j2", "line in". */
  what: string;
  /** Why nothing changes, when the editor knows better than "same checksum". */
  okReason?: string;
}

/** Plan writing `wish.content` to a file described by `fact`. */
export function planWrite(wish: WriteWish, fact: FileFact): Plan {
  const { path, content, attrs } = wish;
  if (fact.exists && fact.type === 'directory') {
    fail(`${path} is a directory on the host`, 'give the full path of the file to write, e.g. dest: /etc/app/app.conf');
  }
  if (fact.exists && fact.type === 'other') {
    fail(`${path} exists and is not a regular file`, 'remove it first or choose another destination');
  }
  const wanted = sha256(content);
  const short = wanted.slice(0, 12);
  const sameContent = fact.exists && fact.sha256 === wanted;
  if (!sameContent) {
    const summary =
      `${fact.exists ? 'update' : 'create'} ${path} (${wish.what}, sha256 ${short}…` +
      `${attrs.mode !== undefined || attrs.owner || attrs.group ? ', ' + describeAttrs(null, attrs) : ''})`;
    const change = writeChange({
      path,
      content,
      summary,
      attrs: attrFields(attrs),
      diff: diffOf(path, fact, content),
      ...(wish.validate ? { validate: wish.validate } : {}),
    });
    return { changes: [change], okMessage: '' };
  }
  const delta = attrsToChange(fact, attrs);
  if (!isEmpty(delta)) {
    return {
      changes: [{ kind: 'attrs', path, ...attrFields(delta), summary: `set ${describeAttrs(fact, delta)} on ${path}` }],
      okMessage: '',
    };
  }
  const reason = wish.okReason ?? `${path} already has sha256 ${short}…`;
  return { changes: [], okMessage: reason + describeKept(fact, attrs) };
}
