/**
 * Pure edits of Apache httpd config text. Written by hand and line-based on purpose: there is no
 * maintained JavaScript parser for httpd.conf that writes a file back with its comments and
 * formatting intact, and these edits only ever touch whole directive lines. Every function keeps
 * all other bytes (including CRLF endings) identical and is idempotent: run on its own output it
 * returns the same text.
 */
import { OperationError } from '../../core/errors.ts';
import type { ApacheModule } from './modules.ts';
import { fromLines, insertLines, reEscape, replaceLines, toLines } from './lines.ts';

export { renderBalancerBlock, type BalancerSpec, type MemberSpec } from './render.ts';

/** `LoadModule <id> <path>` with `#`/`# `/`##` in front, any indentation; case-insensitive like Apache. */
const COMMENTED_LOAD = /^(\s*)#+\s*(LoadModule\s+(\S+)\s+\S.*)$/i;
const ACTIVE_LOAD = /^\s*LoadModule\s+(\S+)\s/i;

/** Module ids an active `LoadModule` line loads. */
export function loadedModules(text: string): Set<string> {
  const ids = new Set<string>();
  for (const line of toLines(text).body) {
    const m = ACTIVE_LOAD.exec(line);
    if (m?.[1]) ids.add(m[1]);
  }
  return ids;
}

/**
 * Make every module in `modules` load: uncomment its shipped `#LoadModule` line in place, or, if
 * the file has none, add `LoadModule <id> <dir>/<file>` after the last LoadModule line (active or
 * commented; end of file when there is none).
 */
export function enableModules(text: string, modules: ApacheModule[], dir = 'modules'): string {
  const doc = toLines(text);
  const active = loadedModules(text);
  const missing: string[] = [];
  for (const m of modules) {
    if (active.has(m.id)) continue;
    const i = doc.body.findIndex((l) => COMMENTED_LOAD.exec(l)?.[3] === m.id);
    const hit = i >= 0 ? COMMENTED_LOAD.exec(doc.body[i]!) : null;
    if (hit) doc.body[i] = `${hit[1]}${hit[2]}`;
    else missing.push(`LoadModule ${m.id} ${dir}/${m.file}`);
    active.add(m.id);
  }
  if (missing.length > 0) {
    let last = -1;
    doc.body.forEach((l, i) => {
      if (ACTIVE_LOAD.test(l) || COMMENTED_LOAD.test(l)) last = i;
    });
    insertLines(doc, last >= 0 ? last : doc.body.length - 1, missing);
  }
  return fromLines(doc);
}

/**
 * Make `Include <path>` active: uncomment `#Include <path>` in place, or append it. `paths` are
 * equivalent spellings (relative to ServerRoot, absolute); the first is the one appended.
 */
export function enableInclude(text: string, paths: string[]): string {
  const alt = paths.map(reEscape).join('|');
  const active = new RegExp(`^\\s*Include(?:Optional)?\\s+"?(?:${alt})"?\\s*$`, 'i');
  const commented = new RegExp(`^(\\s*)#+\\s*(Include(?:Optional)?\\s+"?(?:${alt})"?\\s*)$`, 'i');
  const doc = toLines(text);
  if (doc.body.some((l) => active.test(l))) return text;
  const i = doc.body.findIndex((l) => commented.test(l));
  if (i >= 0) {
    const m = commented.exec(doc.body[i]!)!;
    doc.body[i] = `${m[1]}${m[2]}`;
  } else {
    insertLines(doc, doc.body.length - 1, [`Include ${paths[0]}`]);
  }
  return fromLines(doc);
}

/** The marker lines around a block we own. */
export function markers(name: string): { begin: string; end: string } {
  return { begin: `# BEGIN provision ${name}`, end: `# END provision ${name}` };
}

/**
 * Put `block` (lines joined by `\n`) between `# BEGIN provision <name>` and `# END provision <name>`:
 * replace what is between existing markers, or append the marked block (after a blank line).
 * Everything outside the markers is the user's and stays as it is.
 */
export function upsertMarkedBlock(text: string, name: string, block: string): string {
  const { begin, end } = markers(name);
  const doc = toLines(text);
  const lines = [begin, ...block.split('\n'), end];
  const b = doc.body.findIndex((l) => l.trim() === begin);
  const e = doc.body.findIndex((l, i) => i > b && l.trim() === end);
  if (b >= 0 && e < 0) {
    throw new OperationError(`"${begin}" has no matching "${end}"`, {
      hint: `restore the "${end}" line, or delete the partial block, then run again`,
    });
  }
  if (b >= 0) {
    replaceLines(doc, b, e, lines);
    return fromLines(doc);
  }
  const last = doc.body.length - 1;
  const pad = last >= 0 && doc.body[last]!.trim() !== '' ? [''] : [];
  insertLines(doc, last, [...pad, ...lines]);
  return fromLines(doc);
}

/** An active `Listen` for `port` (any address) in this text. */
export function hasListen(text: string, port: number): boolean {
  const re = new RegExp(`^\\s*Listen\\s+(?:\\S*:)?${port}(?:\\s|$)`, 'i');
  return toLines(text).body.some((l) => re.test(l));
}

export { neutralizeShippedExamples } from './examples.ts';
