/** A notify that names no handler (nor listen topic) of its play stops the load at the notify's file:line. */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PlaybookError } from '../../src/core/errors.ts';
import { loadOperations } from '../../src/ops/registry.ts';
import { loadPlaybook } from '../../src/playbook/load.ts';

const FIX = join(import.meta.dirname, '../fixtures/playbook');

async function loadError(file: string): Promise<PlaybookError> {
  const err = await loadPlaybook(file, await loadOperations()).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(PlaybookError);
  return err as PlaybookError;
}

describe('notify must name a handler of its play', () => {
  it('a typo in a notify list: file:line of that entry, did you mean the nearest handler', async () => {
    const file = join(FIX, 'notify-typo.yml');
    const err = await loadError(file);
    expect(err.message).toBe(
      `${file}:10:11: task \`write the unit\` notifies \`restrat app\`, but no handler of this play has that name or listens to it`,
    );
    expect(err.pos).toEqual({ file, line: 10, column: 11 });
    expect(err.hint).toBe('did you mean `restart app`?');
    expect(err.exitCode).toBe(4);
  });

  it('a handler of another play does not count; with nothing near, the hint lists what the play has', async () => {
    const file = join(FIX, 'notify-other-play.yml');
    const err = await loadError(file);
    expect(err.message).toMatch(new RegExp(`^${file}:17:15: task \`a handler of another play is not ours\` notifies \`restart app\``));
    expect(err.hint).toBe('add a `handlers:` section to the play with a handler of that name');
  });

  it('names, listen topics, a handler notifying a handler and templated names load; so does the recipe', async () => {
    const ok = await loadPlaybook(join(FIX, 'notify-ok.yml'), await loadOperations());
    expect(ok.plays[0]!.tasks[0]!.notify).toEqual(['restart app', 'reload units', 'restart {{ app_name }}']);
    const recipe = await loadPlaybook(join(import.meta.dirname, '../../playbooks/tomcat-cluster.yml'), await loadOperations());
    expect(recipe.plays.flatMap((p) => p.tasks.flatMap((t) => t.notify))).toContain('restart tomcat');
  });
});
