/**
 * The text edit of Ansible's blockinfile (ansible/modules/blockinfile.py): the block lives between
 * two marker lines; it is replaced in place, inserted at an anchor, or removed with its markers.
 */
import { bare, pyRegExp, splitLines } from './python-re.ts';
import type { EditResult } from './lineinfile-edit.ts';

/** Ansible's exact default marker. */
export const DEFAULT_MARKER = '# {mark} ANSIBLE MANAGED BLOCK';

/** The blockinfile options that shape the edit. */
export interface BlockEdit {
  block?: string;
  marker?: string;
  marker_begin?: string;
  marker_end?: string;
  state?: 'present' | 'absent';
  insertafter?: string;
  insertbefore?: string;
}

export function markers(o: BlockEdit): [string, string] {
  const m = o.marker ?? DEFAULT_MARKER;
  return [m.replaceAll('{mark}', o.marker_begin ?? 'BEGIN'), m.replaceAll('{mark}', o.marker_end ?? 'END')];
}

/** Apply the edit to a file's text ('' for a file about to be created). */
export function editBlock(text: string, o: BlockEdit): EditResult {
  const lines = splitLines(text);
  const [begin, end] = markers(o);
  const present = o.state !== 'absent';
  const blockLines = present && o.block ? [begin + '\n', ...splitLines(o.block.endsWith('\n') ? o.block : o.block + '\n'), end + '\n'] : [];
  let n0: number | null = null;
  let n1: number | null = null;
  lines.forEach((l, i) => {
    if (bare(l) === begin) n0 = i;
    if (bare(l) === end) n1 = i;
  });
  let at: number;
  if (n0 === null || n1 === null) {
    // No complete block yet: insert at the anchor (its last match), or at EOF/BOF.
    const after = o.insertafter,
      before = o.insertbefore;
    const re =
      after && after !== 'EOF' ? pyRegExp(after, 'insertafter') : before && before !== 'BOF' ? pyRegExp(before, 'insertbefore') : null;
    if (re) {
      let hit: number | null = null;
      lines.forEach((l, i) => {
        if (re.test(bare(l))) hit = i;
      });
      at = hit === null ? lines.length : after ? (hit as number) + 1 : hit;
    } else {
      at = before ? 0 : lines.length;
    }
  } else {
    const [lo, hi] = n0 < n1 ? [n0, n1] : [n1, n0];
    lines.splice(lo, hi - lo + 1);
    at = lo;
  }
  if (at > 0 && blockLines.length && !lines[at - 1]!.endsWith('\n')) lines[at - 1] += '\n';
  lines.splice(at, 0, ...blockLines);
  const result = lines.join('');
  if (result === text) {
    return {
      text,
      msg: present && o.block ? `block between "${begin}" and "${end}" already up to date` : 'no block to remove',
      changed: false,
    };
  }
  return {
    text: result,
    msg: blockLines.length ? (n0 !== null && n1 !== null ? 'block updated' : 'block inserted') : 'block removed',
    changed: true,
  };
}
