/**
 * Shell scripts for whole-file reads and atomic writes, each a single exec (one round trip).
 * Every path goes through `quote`; the data travels on stdin, never in the command line.
 */
import { randomBytes } from 'node:crypto';
import { posix } from 'node:path';
import { quote } from '../core/quote.ts';

/** Exit code the read script uses for "no such file" (distinct from cat's 1). */
export const ABSENT_CODE = 66;

/**
 * `cat` the file, or exit ABSENT_CODE when it does not exist. `[ -e ]` is also false when a
 * parent directory is not searchable, so ENOENT is confirmed (C locale) before saying "absent".
 */
export function readScript(path: string): string {
  const p = quote(path);
  return [
    `if [ -e ${p} ] || [ -L ${p} ]; then exec cat -- ${p}; fi`,
    `e=$(LC_ALL=C ls -d -- ${p} 2>&1)`,
    `case $e in *'No such file or directory'*) exit ${ABSENT_CODE};; esac`,
    'printf "%s\\n" "$e" >&2; exit 1',
  ].join('\n');
}

/** Ownership/mode wanted for a written file. */
export interface WriteOptions {
  /** Octal permission bits, e.g. 0o640. Default: the existing file's, or 0644 for a new file. */
  mode?: number;
  /** Owner user name. Default: the existing file's owner, or the writing user. */
  owner?: string;
  /** Owner group name. Default: the existing file's group, or the writing user's group. */
  group?: string;
  /**
   * A validator (the user's shell, like Ansible's `validate`) run on the temp file before it
   * replaces the target; `%s` is the temp file. Failing it exits 3 and leaves the target as it was.
   */
  validate?: string;
}

/**
 * Atomic write: stdin goes to a temp file beside the target (`.<base>.provision-tmp-<random>`,
 * created 0600 by umask), which gets the target's (or the given) owner and mode, then `mv -f`
 * renames it over the target. A symlink target is resolved so the link itself stays.
 * The temp file is removed on any failure.
 */
export function writeScript(path: string, opts: WriteOptions = {}): string {
  const rand = randomBytes(6).toString('hex');
  const tmp = posix.join(posix.dirname(path), `.${posix.basename(path)}.provision-tmp-${rand}`);
  const lines = [
    'set -e',
    'umask 077',
    `p=${quote(path)}`,
    `t=${quote(tmp)}`,
    // Write through a symlink to its target, as editors and Ansible do.
    `if [ -L "$p" ]; then p=$(readlink -f -- "$p"); t="$(dirname -- "$p")/.provision-tmp-${rand}"; fi`,
    `trap 'rm -f -- "$t"' EXIT`,
    'cat > "$t"',
    'if [ -e "$p" ]; then chown --reference="$p" -- "$t"; chmod --reference="$p" -- "$t"; else chmod 0644 -- "$t"; fi',
  ];
  if (opts.owner !== undefined && opts.group !== undefined) lines.push(`chown -- ${quote(`${opts.owner}:${opts.group}`)} "$t"`);
  else if (opts.owner !== undefined) lines.push(`chown -- ${quote(opts.owner)} "$t"`);
  else if (opts.group !== undefined) lines.push(`chgrp -- ${quote(opts.group)} "$t"`);
  // chmod after chown: chown clears setuid/setgid bits.
  if (opts.mode !== undefined) lines.push(`chmod ${(opts.mode & 0o7777).toString(8).padStart(4, '0')} -- "$t"`);
  if (opts.validate) {
    const cmd = opts.validate.split('%s').join('"$t"');
    lines.push(`if ! { ${cmd}\n} >&2; then echo ${quote(`validation failed: ${opts.validate}`)} >&2; exit 3; fi`);
  }
  // -T: never move the temp file INTO the target when the target is a directory.
  lines.push('mv -f -T -- "$t" "$p"');
  return lines.join('\n');
}
