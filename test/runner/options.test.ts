/** A run's options are filled once: every default in one place, `forks` from one constant. */
import { expect, it } from 'vitest';
import { DEFAULT_FORKS } from '../../src/core/forks.ts';
import { RunEmitter } from '../../src/runner/events.ts';
import { runDefaults } from '../../src/runner/options.ts';

it('fills every default once; what is given stays', () => {
  const base = { inventory: 'i.yml', playbook: 'p.yml', ops: new Map(), emitter: new RunEmitter() };
  expect(runDefaults(base)).toMatchObject({
    check: false,
    forks: DEFAULT_FORKS,
    tags: { tags: [], skipTags: [] },
    extraVars: {},
    secrets: [],
    breakStaleLock: false,
  });
  expect(DEFAULT_FORKS).toBe(5);
  expect(runDefaults({ ...base, forks: 30, check: true }).forks).toBe(30);
});
