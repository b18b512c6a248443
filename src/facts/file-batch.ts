/**
 * File facts read together: one `stat` for every path, one `sha256sum` for every regular file and
 * one `cat` of the files whose content is wanted, whatever their number. Read one by one, each
 * file cost a subshell and four processes (stat, sha256sum, cut, base64): most of a rerun's time on
 * the host, and at many hosts on one machine, most of the machine.
 *
 * The three outputs are matched back to their paths: stat's lines name the path as it was asked
 * (`%n`), sha256sum's too, and the contents are cut at the sizes stat gave, each slice checked
 * against its sha256. Anything that does not add up (a file that changed or vanished between the
 * three reads) makes `parseFileBatch` return undefined: the caller reads those files one by one.
 * Paths holding a newline cannot be matched by line: `batchable` leaves them to the one-by-one read.
 */
import { createHash } from 'node:crypto';
import { sh } from '../core/quote.ts';
import type { FileFact } from './types.ts';

/** A file fact request: its path, and whether the content is wanted too. */
export interface FileRead {
  path: string;
  content?: boolean;
}

const FILE_TYPES: Record<string, FileFact['type']> = {
  'regular file': 'file',
  'regular empty file': 'file',
  directory: 'directory',
  'symbolic link': 'link',
};

/** Can this path be read in a batch? */
export const batchable = (path: string): boolean => !path.includes('\n') && path.length > 0;

/** The regular files among `paths`, NUL-separated, for xargs -0 (builtins only: no process per path). */
const regular = (paths: string[]) => sh`for p in ${paths}; do [ -f "$p" ] && [ ! -L "$p" ] && printf '%s\\0' "$p"; done`.text;

/**
 * The three commands of a batch, each printing raw output for one frame: stat lines, sha256sum
 * lines, and the concatenated contents.
 */
export function fileBatchCommands(reads: FileRead[]): { stat: string; sums: string; content: string } {
  const paths = reads.map((r) => r.path);
  const wanted = reads.filter((r) => r.content).map((r) => r.path);
  return {
    stat: sh`stat -c '%n|%F|%a|%U|%G|%s' -- ${paths}`.text,
    sums: `${regular(paths)} | xargs -0 -r sha256sum --`,
    content: wanted.length ? `${regular(wanted)} | xargs -0 -r cat --` : ':',
  };
}

/** A present file's fact from the fields of `stat -c '%F|%a|%U|%G|%s'` (the one-by-one read shares it). */
export function statFact(path: string, fields: string[], sha256: string | null): FileFact {
  const [kind = '', mode = '0', owner = '', group = '', size = '0'] = fields;
  return { path, exists: true, type: FILE_TYPES[kind] ?? 'other', mode: parseInt(mode, 8), owner, group, size: Number(size), sha256 };
}

const absent = (path: string): FileFact => ({
  path,
  exists: false,
  type: null,
  mode: null,
  owner: null,
  group: null,
  size: null,
  sha256: null,
});

/** GNU sha256sum escapes names holding `\` (the line then starts with `\`). */
function sumLine(line: string): { sum: string; name: string } | undefined {
  const escaped = line.startsWith('\\');
  const body = escaped ? line.slice(1) : line;
  const m = /^([0-9a-f]{64}) [ *](.*)$/s.exec(body);
  if (!m) return undefined;
  return { sum: m[1]!, name: escaped ? m[2]!.replace(/\\\\/g, '\\') : m[2]! };
}

/** The facts of a batch, in the order asked; undefined when its outputs do not add up. */
export function parseFileBatch(reads: FileRead[], out: { stat: Buffer; sums: Buffer; content: Buffer }): FileFact[] | undefined {
  const statLines = out.stat.toString('utf8').split('\n');
  const facts: FileFact[] = [];
  let li = 0;
  for (const { path } of reads) {
    const line = statLines[li] ?? '';
    const rest = line.startsWith(`${path}|`) ? line.slice(path.length + 1).split('|') : undefined;
    if (!rest || rest.length !== 5 || !/^\d+$/.test(rest[4]!)) {
      facts.push(absent(path));
      continue;
    }
    li += 1;
    facts.push(statFact(path, rest, null));
  }
  if (statLines.slice(li).some((l) => l !== '')) return undefined;
  const sums = out.sums
    .toString('utf8')
    .split('\n')
    .filter((l) => l !== '');
  let si = 0;
  for (const f of facts) {
    if (f.type !== 'file') continue;
    const s = sumLine(sums[si] ?? '');
    if (!s || s.name !== f.path) return undefined;
    f.sha256 = s.sum;
    si += 1;
  }
  if (si !== sums.length) return undefined;
  let at = 0;
  for (const [i, r] of reads.entries()) {
    const f = facts[i]!;
    if (!r.content || f.type !== 'file') continue;
    const slice = out.content.subarray(at, at + f.size!);
    if (slice.length !== f.size || createHash('sha256').update(slice).digest('hex') !== f.sha256) return undefined;
    f.content = Buffer.from(slice);
    at += f.size!;
  }
  return at === out.content.length ? facts : undefined;
}
