/**
 * `service`: start, stop, restart or reload, after an optional config check, then wait until it
 * answers. Rollback returns it to how the run found it (running or stopped), after the files.
 */
import { sh } from '../../core/quote.ts';
import type { ServiceSpec } from '../../core/change.ts';
import { serviceStatePrelude } from '../backup.ts';
import { type ChangeDef, type EntryOf } from '../change-kind.ts';
import { keepDrainedScript } from '../balancer-script.ts';
import { actionCommand, statusCommand, waitPrelude, waitScript } from '../service-script.ts';

/** Journal entry of a service change: how to run it, and its config check. */
export type ServiceEntry = EntryOf<'service', { service: ServiceSpec; check?: string }>;

/** The `service` change kind. */
export const service: ChangeDef<'service', ServiceEntry> = {
  kind: 'service',
  script(c) {
    const check = c.check
      ? `if ! { ${c.check}\n} >&2; then echo ${sh`${`configuration check failed: ${c.check}`}`.text} >&2; exit 3; fi`
      : '';
    const action = `${actionCommand(c.service, c.action)} >&2 || exit 1`;
    const run = c.keepDrained ? keepDrainedScript(c.keepDrained, action) : action;
    return { script: [check, waitPrelude(c.wait), run, waitScript(c.service.name, c.wait)].filter(Boolean).join('\n') };
  },
  journal: (c) => ({ fields: { service: c.service, ...(c.check ? { check: c.check } : {}) }, paths: [] }),
  prelude: (c) => serviceStatePrelude(statusCommand(c.service)),
  learn(cache, c, applied) {
    const req = { type: 'service' as const, name: c.service.name, ...(c.service.status ? { status: c.service.status } : {}) };
    // A real start/restart may affect what other status commands see; a simulated one changes only itself.
    if (applied) cache.invalidate((r) => r.type === 'service');
    else cache.set(req, { running: c.action !== 'stop' });
  },
  undo: (e) => ({ action: 'skip', paths: [], text: `${e.summary}: returned to its pre-run state after the files` }),
  restores: (e) => ({ service: e.service, ...(e.check ? { check: e.check } : {}) }),
  hint: (code) =>
    code === 3
      ? 'the configuration check failed, so the service was left running with its old configuration'
      : code === 76
        ? 'the instance logged a failure while starting (lines above); it stays out of the balancer while the others serve; ' +
          'fix the cause, then rerun or `provision rollback`'
        : undefined,
};
