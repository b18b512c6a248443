/** `copytree`: `cp -a` of a directory to a new one (a second Tomcat instance), some paths left out. */
import { sh } from '../../core/quote.ts';
import { restoreStep, type ChangeDef, type EntryOf } from '../change-kind.ts';

/** Journal entry of a copytree: the destination (removed by rollback when it did not exist). */
export type CopytreeEntry = EntryOf<'copytree', { path: string }>;

/** The `copytree` change kind. */
export const copytree: ChangeDef<'copytree', CopytreeEntry> = {
  kind: 'copytree',
  script(c) {
    // `dir/*` empties dir (keeps it); anything else is removed.
    const ex = (c.exclude ?? []).map((e) =>
      e.endsWith('/*') ? sh`find ${`${c.dest}/${e.slice(0, -2)}`} -mindepth 1 -delete`.text : sh`rm -rf -- ${`${c.dest}/${e}`}`.text,
    );
    return {
      script: [
        sh`if [ -e ${c.dest} ]; then echo ${`${c.dest} already exists: refusing to overwrite it`} >&2; exit 3; fi`.text,
        sh`cp -a -- ${c.src} ${c.dest}`.text,
        ...ex,
      ].join(' &&\n'),
    };
  },
  journal: (c) => ({ fields: { path: c.dest }, paths: [c.dest] }),
  learn: (cache, c) => cache.alias(c.src, c.dest, c.exclude),
  undo: restoreStep,
  left: () => ({ type: 'dir' }),
  hint: (code) => (code === 3 ? 'remove or rename the existing directory, or choose another instance directory' : undefined),
};
