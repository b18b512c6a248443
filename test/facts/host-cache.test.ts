/**
 * Command facts kept on the host (facts/host-cache.ts), run by this machine's sh against real
 * files: answered from the cache while the files are the same, run again when one changes, never
 * kept when it failed or when the run holds no lock (--check).
 */
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FactCache } from '../../src/facts/gather.ts';
import { cachedCommand } from '../../src/facts/host-cache.ts';
import { fact } from '../../src/facts/types.ts';
import { localSh } from './local-sh.ts';

const root = mkdtempSync(join(tmpdir(), 'pv-host-cache-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const dir = join(root, 'cache');
const bin = join(root, 'httpd');
const runs = join(root, 'runs');
writeFileSync(bin, 'Server version: Apache/2.4.6\n');
writeFileSync(runs, '');
// The "binary" answers with its own content and counts how often it really ran.
const command = `echo ran >> '${runs}'; cat '${bin}'`;
const timesRun = () => readFileSync(runs, 'utf8').split('\n').filter(Boolean).length;

async function ask(locked: boolean, cmd = command) {
  const c = new FactCache(localSh(), 'local');
  const req = fact.command(cachedCommand(cmd, [bin], dir));
  await c.gather([req], locked ? 'PV_STATE_OK=1' : '');
  return c.get(req);
}

describe('a command fact kept on the host', () => {
  it('without the lock (--check) the command runs and nothing is kept', async () => {
    expect(await ask(false)).toEqual({ code: 0, stdout: 'Server version: Apache/2.4.6\n' });
    expect(await ask(false)).toEqual({ code: 0, stdout: 'Server version: Apache/2.4.6\n' });
    expect(timesRun()).toBe(2);
  });

  it('with the lock it runs once, then is answered from the cache while the file is the same', async () => {
    const before = timesRun();
    expect(await ask(true)).toEqual({ code: 0, stdout: 'Server version: Apache/2.4.6\n' });
    expect(await ask(true)).toEqual({ code: 0, stdout: 'Server version: Apache/2.4.6\n' });
    expect(await ask(false)).toEqual({ code: 0, stdout: 'Server version: Apache/2.4.6\n' });
    expect(timesRun()).toBe(before + 1);
  });

  it('a changed file (an upgrade) is asked again', async () => {
    const before = timesRun();
    appendFileSync(bin, 'Server built: later\n');
    expect(await ask(true)).toEqual({ code: 0, stdout: 'Server version: Apache/2.4.6\nServer built: later\n' });
    expect(timesRun()).toBe(before + 1);
  });

  it('a failing command keeps its exit code and is never kept', async () => {
    const failing = `echo ran >> '${runs}'; echo half; (exit 3)`;
    const before = timesRun();
    expect(await ask(true, failing)).toEqual({ code: 3, stdout: 'half\n' });
    expect(await ask(true, failing)).toEqual({ code: 3, stdout: 'half\n' });
    expect(timesRun()).toBe(before + 2);
  });
});
