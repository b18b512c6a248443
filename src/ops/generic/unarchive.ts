/**
 * `unarchive` (like ansible.builtin.unarchive with `remote_src: true`): unpack a tar (any
 * compression GNU tar reads) or zip archive already on the host into an existing `dest`. The plan
 * reads, in the fact round trip, what unpacking would add or replace (the archive is unpacked into
 * a temporary directory and compared with `dest`), so a rerun is `ok` and --check lists the files.
 * The change backs up each file it replaces and lists the ones it adds, under provision's state
 * directory, so rollback removes what it added and puts back what it replaced.
 */
import { createHash } from 'node:crypto';
import { posix } from 'node:path';
import { quote } from '../../core/quote.ts';
import { STATE_DIR } from '../../core/state-dir.ts';
import { fact } from '../../facts/types.ts';
import { defineOperation } from '../types.ts';
import { absPath, fail, objectSchema } from './common.ts';
import { getFact } from './get-fact.ts';

export interface UnarchiveArgs {
  /** The archive on the host (remote_src: true). */
  src: string;
  /** An existing directory to unpack into. */
  dest: string;
  /** Ansible's: the archive is on the host. Only `true` is run (copy it there first). */
  remote_src: true;
  /** Skip when this path exists. */
  creates?: string;
}

const isZip = (src: string) => /\.zip$/i.test(src);

/** Unpack `src` into the directory `$to` names (a shell word). */
const unpack = (src: string, to: string) => (isZip(src) ? `unzip -o -qq ${quote(src)} -d ${to}` : `tar -xf ${quote(src)} -C ${to}`);

/**
 * The read: unpacked into a temporary directory, each entry compared with `dest`; prints
 * `d path` (a directory to add), `+ path` (a file to add), `~ path` (a file to replace).
 */
export function probe(a: UnarchiveArgs): string {
  const dest = quote(a.dest);
  return [
    't=$(mktemp -d) || exit 3',
    `trap 'rm -rf "$t"' EXIT`,
    `${unpack(a.src, '"$t"')} >/dev/null 2>&1 || { echo "cannot unpack ${a.src.replace(/["$`\\]/g, '')}"; exit 4; }`,
    'cd "$t" || exit 3',
    `find . -mindepth 1 -type d | sort | while IFS= read -r f; do [ -d ${dest}/"$f" ] || echo "d \${f#./}"; done`,
    `find . -mindepth 1 ! -type d | sort | while IFS= read -r f; do`,
    `  if [ ! -e ${dest}/"$f" ] && [ ! -L ${dest}/"$f" ]; then echo "+ \${f#./}"`,
    `  elif ! cmp -s "$f" ${dest}/"$f"; then echo "~ \${f#./}"; fi`,
    'done',
  ].join('\n');
}

/** What unpacking would do, from the probe's output. */
function entries(stdout: string) {
  const lines = stdout.split('\n').filter(Boolean);
  const of = (k: string) => lines.filter((l) => l.startsWith(`${k} `)).map((l) => l.slice(2));
  return { dirs: of('d'), added: of('+'), replaced: of('~') };
}

const words = (xs: string[]) => xs.map(quote).join(' ');

export const unarchiveOp = defineOperation<UnarchiveArgs>({
  name: 'unarchive',
  // remote_src is required and true: an archive on this machine (Ansible's default) is refused before any connection.
  schema: objectSchema(
    {
      src: absPath,
      dest: absPath,
      remote_src: {
        const: true,
        description: 'only an archive already on the host is unpacked: copy it there first, then remote_src: true',
      },
      creates: absPath,
    },
    ['src', 'dest', 'remote_src'],
  ),
  facts(a) {
    return [fact.file(a.src), fact.file(a.dest), ...(a.creates ? [fact.file(a.creates)] : []), fact.command(probe(a))];
  },
  plan(a, facts) {
    if (a.creates && getFact.file(facts, a.creates).exists)
      return { changes: [], okMessage: `${a.creates} exists (creates), so ${a.src} is not unpacked` };
    if (!getFact.file(facts, a.src).exists)
      fail(`${a.src} does not exist on the host`, 'with remote_src: true the archive must be on the host');
    if (getFact.file(facts, a.dest).type !== 'directory')
      fail(`${a.dest} is not a directory`, 'as in Ansible, dest must exist: create it first with `file: state=directory`');
    const out = getFact.command(facts, probe(a));
    if (out.code !== 0)
      fail(
        `${a.src}: ${out.stdout.trim() || 'cannot be read'}`,
        isZip(a.src) ? 'is unzip installed on the host?' : 'is it a tar or zip archive?',
      );
    const { dirs, added, replaced } = entries(out.stdout);
    if (!dirs.length && !added.length && !replaced.length)
      return { changes: [], okMessage: `${a.dest} already has every file of ${a.src}` };
    // Where the replaced files are kept for rollback: one directory per source, destination and state found.
    const key = createHash('sha256')
      .update(JSON.stringify([a.src, a.dest, out.stdout]))
      .digest('hex')
      .slice(0, 16);
    const keep = `${STATE_DIR}/unarchive/${key}`;
    const d = (p: string) => posix.join(a.dest, p);
    const backup = replaced.map(
      (p) => `mkdir -p ${quote(posix.dirname(posix.join(keep, p)))} && cp -a ${quote(d(p))} ${quote(posix.join(keep, p))}`,
    );
    const command = ['set -e', `rm -rf ${quote(keep)}`, `mkdir -p ${quote(keep)}`, ...backup, unpack(a.src, quote(a.dest))].join('\n');
    const undo = [
      ...(added.length ? [`rm -f -- ${words(added.map(d))}`] : []),
      ...(replaced.length ? [`cp -a ${quote(keep)}/. ${quote(a.dest)}/`] : []),
      // Deepest first; a directory someone else put files in since stays.
      ...(dirs.length ? [`for x in ${words([...dirs].reverse().map(d))}; do rmdir -- "$x" 2>/dev/null || true; done`] : []),
      `rm -rf ${quote(keep)}`,
    ].join('\n');
    const count = (n: number, what: string) => (n ? [`${n} ${what}${n === 1 ? '' : 's'}`] : []);
    const list = [...added.map((p) => `+${p}`), ...replaced.map((p) => `~${p}`)];
    const shown = list.slice(0, 5).join(' ') + (list.length > 5 ? ' …' : '');
    const what = [...count(added.length, 'new file'), ...count(replaced.length, 'replaced file'), ...count(dirs.length, 'new directory')];
    return {
      changes: [
        {
          kind: 'exec',
          command,
          undo,
          summary: `unpack ${a.src} into ${a.dest}: ${what.join(', ')}${shown ? ` (${shown})` : ''}`,
          ...(a.creates ? { creates: a.creates } : {}),
        },
      ],
      okMessage: '',
    };
  },
});
