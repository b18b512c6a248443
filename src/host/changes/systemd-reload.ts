/**
 * `systemd-reload`: `systemctl daemon-reload` after a unit file changed, so systemd runs the new
 * definition. Rollback undoes entries newest first, so a plan brackets its unit writes with two of
 * these: `when: 'rollback'` before them (nothing on apply; reloads once the old files are back)
 * and `when: 'apply'` after them (reloads now; nothing to undo). Reads no fact: the cache stays.
 */
import { type ChangeDef, type EntryOf } from '../change-kind.ts';

declare module '../../core/change.ts' {
  interface MoreChanges {
    'systemd-reload': {
      /** `systemctl daemon-reload` now (`apply`) or when this change is rolled back (`rollback`). */
      kind: 'systemd-reload';
      when: 'apply' | 'rollback';
    };
  }
}

/** Journal entry of a systemd reload: when it reloads. */
export type SystemdReloadEntry = EntryOf<'systemd-reload', { when: 'apply' | 'rollback' }>;

/** The `systemd-reload` change kind. */
export const systemdReload: ChangeDef<'systemd-reload', SystemdReloadEntry> = {
  kind: 'systemd-reload',
  script: (c) => ({ script: c.when === 'apply' ? 'systemctl daemon-reload' : 'true' }),
  journal: (c) => ({ fields: { when: c.when }, paths: [] }),
  // systemd's loaded units are no fact of the cache: files and commands read before stay valid.
  learn() {},
  undo: (e) =>
    e.when === 'rollback'
      ? { action: 'undo', paths: [], command: 'systemctl daemon-reload', text: 'systemctl daemon-reload (units restored)' }
      : { action: 'skip', paths: [], text: `${e.summary}: nothing to undo (the reload on rollback follows the restored units)` },
};
