/**
 * `wait`: wait on the host, in order with the other changes, until a TCP port accepts connections
 * (or stops), or a file exists (optionally matching a regex) or is gone. It changes nothing: the
 * runner reports its task `ok`, leaves it out of the change counts, and rollback skips it.
 */
import { sh } from '../../core/quote.ts';
import { type ChangeDef, type EntryOf } from '../change-kind.ts';

/** What a `wait` waits for (Ansible's wait_for arguments). */
export interface WaitFor {
  host: string;
  port?: number;
  path?: string;
  /** `started`/`stopped` for a port; `present`/`absent` for a path (`started` means present). */
  state: 'started' | 'stopped' | 'present' | 'absent';
  /** Extended regex the file must come to contain (path + started/present). */
  searchRegex?: string;
  /** Seconds to wait at most, after `delay`. */
  timeout: number;
  delay: number;
}

declare module '../../core/change.ts' {
  interface MoreChanges {
    wait: { kind: 'wait'; wait: WaitFor };
  }
}

/** Journal entry of a wait: nothing to keep. */
export type WaitEntry = EntryOf<'wait', object>;

/** The loop's test: one probe, true when the wanted state holds. */
function probe(w: WaitFor): string {
  if (w.port !== undefined) {
    const open = sh`bash -c ${`exec 3<>/dev/tcp/${w.host}/${w.port}`} 2>/dev/null`.text;
    return w.state === 'stopped' ? `! ${open}` : open;
  }
  const path = w.path!;
  if (w.state === 'absent') return sh`[ ! -e ${path} ]`.text;
  return w.searchRegex ? sh`grep -Eq ${w.searchRegex} ${path} 2>/dev/null`.text : sh`[ -e ${path} ]`.text;
}

/** Words for what is waited for: `port 8080 on 127.0.0.1 to open`, `/var/run/x to exist`. */
export function waitForText(w: WaitFor): string {
  if (w.port !== undefined) return `port ${w.port} on ${w.host} to ${w.state === 'stopped' ? 'close' : 'open'}`;
  if (w.state === 'absent') return `${w.path} to be gone`;
  return w.searchRegex ? `/${w.searchRegex}/ in ${w.path}` : `${w.path} to exist`;
}

/** The `wait` change kind. */
export const wait: ChangeDef<'wait', WaitEntry> = {
  kind: 'wait',
  script: (c) => {
    const w = c.wait;
    const msg = `timed out after ${w.timeout}s waiting for ${waitForText(w)}`;
    return {
      script:
        `${w.delay ? `sleep ${w.delay}; ` : ''}end=$(( $(date +%s) + ${w.timeout} )); ` +
        `until ${probe(w)}; do if [ "$(date +%s)" -ge "$end" ]; then ` +
        sh`echo ${msg} >&2`.text +
        '; exit 1; fi; sleep 1; done',
    };
  },
  journal: () => ({ fields: {}, paths: [] }),
  // A file waited for may now exist: read it again when a later task needs it.
  learn(cache, c, applied) {
    if (applied && c.wait.path) cache.forget(c.wait.path);
  },
  undo: (e) => ({ action: 'skip', paths: [], text: `${e.summary}: a wait, nothing to undo` }),
};
