/** `package`: installed or removed with the host's package manager; never rolled back. */
import { sh } from '../../core/quote.ts';
import { type ChangeDef, type EntryOf } from '../change-kind.ts';

/** Journal entry of a package change: manager and name, for the user to act on. */
export type PackageEntry = EntryOf<'package', { pkg: { manager: string; name: string } }>;

/** The `package` change kind. */
export const pkg: ChangeDef<'package', PackageEntry> = {
  kind: 'package',
  script(c) {
    const verb = c.state === 'present' ? 'install' : 'remove';
    const cmd =
      c.manager === 'apt' ? sh`DEBIAN_FRONTEND=noninteractive apt-get ${verb} -y -q ${c.name}` : sh`${c.manager} ${verb} -y -q ${c.name}`;
    return { script: cmd.text };
  },
  journal: (c) => ({ fields: { pkg: { manager: c.manager, name: c.name } }, paths: [] }),
  learn(cache, _c, applied) {
    // Anything may have changed: read again what is needed next (in simulation, nothing did).
    if (applied) cache.invalidate(() => true);
  },
  undo: (e) => ({
    action: 'cannot',
    paths: [],
    text: `cannot undo "${e.summary}": packages are not rolled back (remove or reinstall it by hand)`,
  }),
};
