/**
 * The shell of a staged config test: a config check run against files as they *will* be, while
 * every real file stays as it is. Why a mount namespace: `httpd -t -f staged.conf` would still
 * read every Include (conf.d/*.conf, sites-enabled/*, mods-enabled/*) from the real tree, so a
 * staged copy would need every path in it rewritten; bind-mounting staged copies of the changed
 * directories over the real ones, in a private mount namespace that only the test sees, tests
 * exactly the tree the writes will leave, with the real paths, and the real tree is never
 * touched. `unshare --mount` without `--propagation` and then `mount --make-rprivate /`: CentOS
 * 7's util-linux 2.23 has no `--propagation`, and on a systemd host `/` is shared, so without
 * making it private our bind mounts would show through in the host's own namespace.
 */
import { posix } from 'node:path';
import { quote, sh } from '../core/quote.ts';

/** One path of the staged tree: a file's new content, or a symbolic link's target. */
export type StagedEntry = { path: string; content: Buffer } | { path: string; link: string };

/** Exit codes: the check failed (httpd's message on stderr); the staging itself could not run. */
export const STAGED_CHECK_FAILED = 78;
export const STAGED_CHECK_UNAVAILABLE = 79;

/** Here-document delimiter for staged contents (base64 never produces it). */
const EOF = 'PROVISION_STAGE_EOF_c41e';

/** The directories to copy: each entry's directory, without those inside another one of them. */
export function stagedDirs(entries: StagedEntry[]): string[] {
  const dirs = [...new Set(entries.map((e) => posix.dirname(e.path)))].sort();
  return dirs.filter((d) => !dirs.some((o) => o !== d && (d.startsWith(`${o}/`) || o === '/')));
}

const fail = (code: number, message: string): string => `{ echo ${quote(message)} >&2; exit ${code}; }`;

/**
 * Copy each staged directory (`cp -a`) into a private temp directory, put the new contents and
 * links there, then in a private mount namespace bind the copies over the real directories and
 * run `check`; the temp directory is removed on exit. Exits 78 with the check's output on stderr
 * when it fails, 79 when the staging cannot run (no `unshare`, not root, a directory missing).
 */
export function stagedCheckScript(entries: StagedEntry[], check: string): string {
  const dirs = stagedDirs(entries);
  const out = [
    'umask 077',
    `command -v unshare >/dev/null 2>&1 || ${fail(STAGED_CHECK_UNAVAILABLE, 'staged config test: unshare (util-linux) is not installed')}`,
    `st=$(mktemp -d "\${TMPDIR:-/tmp}/provision-stage.XXXXXX") || ${fail(STAGED_CHECK_UNAVAILABLE, 'staged config test: mktemp failed')}`,
    `trap 'rm -rf -- "$st"' EXIT`,
  ];
  const binds: string[] = [];
  dirs.forEach((d, i) => {
    const missing = `staged config test: ${d} is not a directory on the host`;
    out.push(`[ -d ${quote(d)} ] || ${fail(STAGED_CHECK_UNAVAILABLE, missing)}`);
    out.push(sh`mkdir -- "$st"/${String(i)} && cp -a -- ${d}/. "$st"/${String(i)}/`.text + ` || exit ${STAGED_CHECK_UNAVAILABLE}`);
    binds.push(sh`mount --bind -- "$1"/${String(i)} ${d}`.text);
  });
  for (const e of entries) {
    const i = dirs.findIndex((d) => e.path.startsWith(`${d}/`));
    const rel = e.path.slice(dirs[i]!.length + 1);
    const at = sh`"$st"/${`${i}/${rel}`}`.text;
    out.push(sh`mkdir -p -- "$st"/${posix.dirname(`${i}/${rel}`)}`.text);
    if ('link' in e) out.push(`rm -rf -- ${at} && ` + sh`ln -s -- ${e.link} `.text + at);
    else {
      // A file that exists keeps its mode and owner in the copy; the new content replaces its bytes only.
      const b64 = e.content.toString('base64').replace(/.{1,76}/g, '$&\n');
      out.push(`base64 -d > ${at} <<'${EOF}'\n${b64}${EOF}`);
    }
  }
  // The check's output is kept, so the failure message is httpd's own words, not "exit 1".
  const inner = [
    `mount --make-rprivate / || exit ${STAGED_CHECK_UNAVAILABLE}`,
    ...binds.map((b) => `${b} || exit ${STAGED_CHECK_UNAVAILABLE}`),
    `if out=$( { ${check}\n} </dev/null 2>&1 ); then exit 0; fi`,
    `printf '%s\\n' "$out" >&2; exit ${STAGED_CHECK_FAILED}`,
  ];
  const DELIM = 'PROVISION_STAGE_NS_c41e';
  out.push(
    `unshare --mount sh -s "$st" <<'${DELIM}'\n${inner.join('\n')}\n${DELIM}`,
    'rc=$?',
    `if [ $rc -ne 0 ] && [ $rc -ne ${STAGED_CHECK_FAILED} ]; then ` +
      fail(
        STAGED_CHECK_UNAVAILABLE,
        'staged config test: could not stage the files in a private mount namespace (unshare --mount needs root)',
      ) +
      '; fi',
    'exit $rc',
  );
  return out.join('\n');
}
