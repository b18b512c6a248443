/**
 * The host lock: `mkdir` is atomic, so two runs (or a run and a rollback) cannot both hold it.
 * The holder records the PID of its sshd session: when that process is gone, the lock is stale.
 */
import { hostname, userInfo } from 'node:os';
import { LockError } from '../core/errors.ts';
import { sh } from '../core/quote.ts';
import { LOCK_DIR, STATE_DIR } from './layout.ts';

/** Who holds a host's lock, as its holder file says. */
export interface LockHolder {
  run: string;
  user: string;
  control: string;
  since: string;
  pid: string;
  stale: boolean;
}

/**
 * Shell that sets `p` to our sshd session's process id: the ancestor whose name starts with sshd.
 * Builtins only (`read`, parameter expansion): no process per ancestor. The parent's id is the
 * second field after the `(name)` of /proc/PID/stat, whose name may hold spaces and parentheses.
 */
const SSHD_PID = [
  'p=$$',
  'while [ "$p" -gt 1 ] 2>/dev/null',
  'do c=; { read -r c < /proc/$p/comm; } 2>/dev/null; case "$c" in sshd*) break;; esac',
  's=; { read -r s < /proc/$p/stat; } 2>/dev/null; s=${s##*) }; s=${s#* }; p=${s%% *}; [ -n "$p" ] || p=1',
  'done',
].join('; ');

// A holder that took the lock a moment ago may not have written its pid yet (mkdir, then the
// file): wait for it, bounded, so a live run is never reported stale.
const STALE = [
  'i=0',
  `while [ ! -s ${LOCK_DIR}/holder ] && [ $i -lt 30 ]`,
  'do sleep 0.1',
  'i=$((i+1))',
  'done',
  `h=$(sed -n 's/^pid=//p' ${LOCK_DIR}/holder 2>/dev/null)`,
  'case "$(cat /proc/$h/comm 2>/dev/null)" in sshd*) s=0;; *) s=1;; esac',
].join('; ');

/** Shell for the fact-gathering prelude: take the lock or report its holder. */
export function acquireScript(runId: string, opts: { breakStale: boolean }): string {
  const holder = [`run=${runId}`, `user=${userInfo().username}`, `control=${hostname()}`, `since=${new Date().toISOString()}`];
  return [
    // The journal holds backups of whatever a run changed (secrets included): root's eyes only.
    sh`mkdir -p ${STATE_DIR} && chmod 700 ${STATE_DIR}`.text,
    // The broken lock's holder is printed first, so the run can say whose lock it broke.
    opts.breakStale
      ? `if [ -d ${LOCK_DIR} ]; then ${STALE}; if [ "$s" = 1 ]; then sed 's/^/broken./' ${LOCK_DIR}/holder 2>/dev/null; ` +
        `rm -rf ${LOCK_DIR} && echo lock=broken; fi; fi`
      : '',
    SSHD_PID,
    `if mkdir ${LOCK_DIR} 2>/dev/null; then`,
    sh`  { printf '%s\n' ${holder}; echo "pid=$p"; } > ${LOCK_DIR}/holder.tmp && mv ${LOCK_DIR}/holder.tmp ${LOCK_DIR}/holder; echo lock=ok`
      .text,
    // Held: this run may write provision's own state (facts/host-cache.ts), which --check never does.
    '  PV_STATE_OK=1',
    `else ${STALE}; echo lock=held; echo "stale=$s"; sed 's/^/holder./' ${LOCK_DIR}/holder 2>/dev/null; fi`,
  ]
    .filter(Boolean)
    .join('\n');
}

/** Shell that releases the lock only if we hold it. */
export function releaseScript(runId: string): string {
  return sh`grep -qx ${`run=${runId}`} ${LOCK_DIR}/holder 2>/dev/null && rm -rf ${LOCK_DIR}; true`.text;
}

/** `run … by user from control, taken at …, N min ago`: a broken lock as `--break-stale-lock` reports it. */
export function describeHolder(h: Pick<LockHolder, 'run' | 'user' | 'control' | 'since'>, now = Date.now()): string {
  const ms = now - Date.parse(h.since);
  const age =
    ms < 120_000 ? `${Math.round(ms / 1000)} s` : ms < 7_200_000 ? `${Math.round(ms / 60_000)} min` : `${Math.round(ms / 3_600_000)} h`;
  const ago = Number.isNaN(ms) ? '' : `, ${age} ago`;
  return `run ${h.run} by ${h.user} from ${h.control}, taken at ${h.since}${ago}`;
}

/**
 * Read the prelude's answer; throws LockError naming the holder when the lock is taken. Returns
 * the holder of a stale lock it broke (with `breakStale`), if any.
 */
export function checkLock(out: string, host: string): LockHolder | undefined {
  const kv = new Map(
    out
      .split('\n')
      .filter((l) => l.includes('='))
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
  const broken: LockHolder | undefined = out.includes('lock=broken')
    ? {
        run: kv.get('broken.run') ?? '?',
        user: kv.get('broken.user') ?? '?',
        control: kv.get('broken.control') ?? '?',
        since: kv.get('broken.since') ?? '?',
        pid: kv.get('broken.pid') ?? '?',
        stale: true,
      }
    : undefined;
  if (kv.get('lock') === 'ok' || out.includes('lock=ok')) return broken;
  if (!out.includes('lock=held')) {
    throw new LockError(`could not take the lock on ${host}`, {
      host,
      hint: `check that ${STATE_DIR} is writable by the connecting user (or use become)`,
    });
  }
  const h: LockHolder = {
    run: kv.get('holder.run') ?? '?',
    user: kv.get('holder.user') ?? '?',
    control: kv.get('holder.control') ?? '?',
    since: kv.get('holder.since') ?? '?',
    pid: kv.get('holder.pid') ?? '?',
    stale: kv.get('stale') === '1',
  };
  const who = `run ${h.run} by ${h.user} from ${h.control}, since ${h.since}`;
  throw h.stale
    ? new LockError(`${host} is locked by a run that is no longer connected (${who})`, {
        host,
        hint: 'the lock is stale: rerun with --break-stale-lock to break it (then `provision history` shows that run as interrupted)',
      })
    : new LockError(`${host} is locked by another run in progress (${who})`, {
        host,
        hint: 'wait for that run to finish; provision never runs twice on one host at once',
      });
}
