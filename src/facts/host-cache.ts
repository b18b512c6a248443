/**
 * A command fact whose answer depends only on some files (which Apache build a binary is, which
 * Tomcat a catalina.jar is), kept on the host beside its state (`/var/lib/provision/cache`, root's
 * only, like the journal) with those files' identity: device, inode, size, modification and change times,
 * as `stat -L` gives them. While the identity is the same, the kept answer is printed instead of
 * running the command again: `httpd -v && httpd -l` starts Apache twice (~40 ms each), every run.
 * A package upgrade or a rebuild replaces the files, so the identity changes and the command runs.
 *
 * Only a command that succeeded is kept, and only by a run that holds the host's lock (the
 * prelude sets `PV_STATE_OK=1` once taken): `--check` reads the cache but never writes it.
 */
import { createHash } from 'node:crypto';
import { sh } from '../core/quote.ts';
import { STATE_DIR } from '../core/state-dir.ts';

/** The directory of kept answers. */
export const FACT_CACHE_DIR = `${STATE_DIR}/cache`;

/** Shell that prints what `command` prints (and exits as it does), answered from the cache while `files` are the same. */
export function cachedCommand(command: string, files: string[], dir = FACT_CACHE_DIR): string {
  const name = createHash('sha256').update(command).digest('hex').slice(0, 24);
  const f = `${dir}/${name}`;
  return [
    sh`f=${f}; k=$(stat -L -c '%d:%i:%s:%Y:%Z' -- ${files} 2>/dev/null | tr '\\n' ' '); h=`.text,
    '[ -f "$f" ] && IFS= read -r h < "$f"',
    'if [ -n "$k" ] && [ "$h" = "$k" ]; then tail -n +2 -- "$f"',
    `else o=$( { ${command}\n}; r=$?; printf x; exit $r); r=$?; o=\${o%x}; printf '%s' "$o"`,
    sh`if [ $r = 0 ] && [ "$PV_STATE_OK" = 1 ] && [ -n "$k" ] && mkdir -p ${dir}; then`.text,
    `{ printf '%s\\n' "$k"; printf '%s' "$o"; } > "$f.$$" && mv -f "$f.$$" "$f"; fi; (exit $r); fi`,
  ].join('\n');
}
