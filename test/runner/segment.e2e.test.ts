/**
 * A first run's tasks that need no answer from the host share one script per host (runner/segment.ts),
 * on real lab hosts. Beside each run, the same playbook with `throttle` on every task (a throttled
 * task is never batched: one round trip per changing task, as before) on a fresh host: the batched
 * run takes fewer round trips for the same results, task by task, the same journal and the same
 * files. A change (a file's validation, a command) that fails in the middle of the script fails its
 * own task, the task after it is never made nor journaled, and the host is put back; another host
 * goes on to the end.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { useLab } from '../helpers/lab.ts';
import { cli } from '../helpers/recipe.ts';

const lab = useLab({ profile: 'scale', hosts: 2 });
let dir: string;

/** Five file tasks; `bad` (a host name) gets content its validator refuses in the fourth. */
function playbook(name: string, o: { throttle?: boolean; bad?: string } = {}): string {
  const t = o.throttle ? { throttle: 5 } : {};
  const checked = o.bad ? `{{ 'bad' if inventory_hostname == '${o.bad}' else 'good' }}\n` : 'good\n';
  const tasks = [
    { name: 'app directory', file: { path: '/srv/seg', state: 'directory', mode: '0755' }, ...t },
    { name: 'first file', copy: { dest: '/srv/seg/one.conf', content: 'one\n' }, ...t },
    { name: 'a line', lineinfile: { path: '/srv/seg/two.conf', line: 'two', create: true }, ...t },
    { name: 'checked file', copy: { dest: '/srv/seg/checked.conf', content: checked, validate: 'grep -q good %s' }, ...t },
    { name: 'last file', copy: { dest: '/srv/seg/last.conf', content: 'last\n' }, ...t },
  ];
  const path = join(dir, `${name}.yml`);
  writeFileSync(path, stringify([{ name: 'files', hosts: 'all', tasks }]));
  return path;
}

/** A command that fails mid-script; the copy after it must read the host (after a command), so its read ends that script. */
function commandPlaybook(name: string, throttle: boolean): string {
  const t = throttle ? { throttle: 5 } : {};
  const tasks = [
    { name: 'app directory', file: { path: '/srv/seg', state: 'directory' }, ...t },
    { name: 'first file', copy: { dest: '/srv/seg/one.conf', content: 'one\n' }, ...t },
    { name: 'a command that fails', shell: { cmd: 'echo oops >&2; exit 4', creates: '/srv/seg/made' }, ...t },
    { name: 'last file', copy: { dest: '/srv/seg/last.conf', content: 'last\n' }, ...t },
  ];
  const path = join(dir, `${name}.yml`);
  writeFileSync(path, stringify([{ name: 'command', hosts: 'all', tasks }]));
  return path;
}

interface Result {
  host: string;
  task: string;
  status: string;
  message: string;
  changes: string[];
}

async function run(play: string, limit?: string) {
  const r = await cli(['-i', lab.info.inventoryPath, play, '--json', ...(limit ? ['--limit', limit] : [])]);
  const doc = r.json as unknown as { runId: string; plays: { tasks: { results: Result[] }[] }[] } | undefined;
  expect(doc, r.out).toBeDefined();
  const results = doc!.plays.flatMap((p) => p.tasks.flatMap((t) => t.results));
  const shown = (h: string) =>
    results.filter((x) => x.host === h).map((x) => `${x.task}: ${x.status}: ${x.message} [${x.changes.join('; ')}]`);
  return { ...r, runId: doc!.runId, shown };
}

/** This run's journal on a host: its entries in order, then its record's status. */
async function journal(host: string, runId: string): Promise<string> {
  const d = `/var/lib/provision/runs/${runId}`;
  const r = await lab.exec(host, `for f in ${d}/entries/*; do echo "$(basename $f) $(cat $f)"; done; grep ^status= ${d}/run`);
  return r.stdout;
}

const files = async (host: string) =>
  (await lab.exec(host, "[ -e /srv/seg ] && find /srv/seg -printf '%p %y %m\\n' | sort && cat /srv/seg/* || echo absent")).stdout;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'pv-seg-'));
});

describe('first run in one script per host', () => {
  it('five changing tasks: one script where one round trip per task took five; same results, journal and files', async () => {
    const [h1, h2] = lab.hosts as [string, string];
    const batched = await run(playbook('batched'), h1);
    const stepped = await run(playbook('stepped', { throttle: true }), h2);
    expect(batched.code, batched.out).toBe(0);
    expect(stepped.code, stepped.out).toBe(0);
    // Facts and lock, the five tasks' changes, the run record closed.
    expect(batched.json!.recap[h1]).toMatchObject({ changed: 5, failed: 0, roundTrips: 3 });
    expect(stepped.json!.recap[h2]).toMatchObject({ changed: 5, failed: 0, roundTrips: 7 });
    expect(batched.shown(h1)).toEqual(stepped.shown(h2));
    expect(batched.shown(h1).map((l) => l.split(':').slice(0, 2).join(':'))).toEqual([
      'app directory: changed',
      'first file: changed',
      'a line: changed',
      'checked file: changed',
      'last file: changed',
    ]);
    expect(await journal(h1, batched.runId)).toBe(await journal(h2, stepped.runId));
    expect(await journal(h1, batched.runId)).toMatch(/^0005 .*"task":"last file".*\nstatus=complete$/m);
    expect(await files(h1)).toBe(await files(h2));
    expect((await lab.exec(h1, 'cat /srv/seg/two.conf')).stdout).toBe('two');

    // Nothing left to do: facts and lock, then the record closed.
    const again = await run(playbook('batched'), h1);
    expect(again.json!.recap[h1]).toMatchObject({ changed: 0, ok: 5, roundTrips: 2 });
  });

  it('a change failing mid-script fails its task; the next is never made nor journaled; the host is put back', async () => {
    const [h1, h2] = lab.hosts as [string, string];
    for (const h of lab.hosts) await lab.exec(h, 'rm -rf /srv/seg');
    const batched = await run(playbook('batched-bad', { bad: h1 }));
    expect(batched.code, batched.out).toBe(2);
    expect(batched.shown(h1).map((l) => l.split(':').slice(0, 2).join(':'))).toEqual([
      'app directory: changed',
      'first file: changed',
      'a line: changed',
      'checked file: failed',
    ]);
    expect(batched.shown(h1)[3]).toMatch(/checked\.conf.*failed \(exit 3\)/);
    expect(batched.out).toContain('put back where this run found it');
    // The failed change was journaled before it ran; the last task's never was.
    const entries = await journal(h1, batched.runId);
    expect(entries.split('\n').map((l) => /"task":"([^"]+)"/.exec(l)?.[1] ?? l)).toEqual([
      'app directory',
      'first file',
      'a line',
      'checked file',
      'status=rolled-back',
    ]);
    expect(await files(h1)).toBe('absent');
    // The other host is unaffected: every task made.
    expect(batched.json!.recap[h2]).toMatchObject({ changed: 5, failed: 0 });
    expect((await lab.exec(h2, 'cat /srv/seg/last.conf')).stdout).toBe('last');

    // The same failure, one round trip per task: the same results and the same journal.
    for (const h of lab.hosts) await lab.exec(h, 'rm -rf /srv/seg');
    const stepped = await run(playbook('stepped-bad', { throttle: true, bad: h1 }));
    expect(stepped.code, stepped.out).toBe(2);
    expect(batched.shown(h1)).toEqual(stepped.shown(h1));
    expect(batched.shown(h2)).toEqual(stepped.shown(h2));
    expect(await journal(h1, stepped.runId)).toBe(entries);
    expect(await files(h1)).toBe('absent');
    expect(batched.json!.recap[h1]!.roundTrips).toBeLessThan(stepped.json!.recap[h1]!.roundTrips);
  });

  it('a command failing mid-script fails its task, named with its exit code and stderr, as one round trip per task would', async () => {
    const h1 = lab.hosts[0]!;
    await lab.exec(h1, 'rm -rf /srv/seg');
    const batched = await run(commandPlaybook('command', false), h1);
    await lab.exec(h1, 'rm -rf /srv/seg');
    const stepped = await run(commandPlaybook('command-stepped', true), h1);
    expect(batched.code, batched.out).toBe(2);
    expect(batched.shown(h1)).toEqual(stepped.shown(h1));
    expect(batched.shown(h1).map((l) => l.split(':').slice(0, 2).join(':'))).toEqual([
      'app directory: changed',
      'first file: changed',
      'a command that fails: failed',
    ]);
    expect(batched.shown(h1)[2]).toMatch(/exit 4.*oops/);
    const entries = await journal(h1, batched.runId);
    expect(entries).toBe(await journal(h1, stepped.runId));
    expect(entries.split('\n').map((l) => /"task":"([^"]+)"/.exec(l)?.[1] ?? l)).toEqual([
      'app directory',
      'first file',
      'a command that fails',
      'status=rolled-back',
    ]);
    expect(await files(h1)).toBe('absent');
    // Facts and lock, the three tasks' changes, the record closed (the rollback's own round trips aside):
    // one round trip per task takes two more.
    expect(batched.json!.recap[h1]!.roundTrips).toBe(stepped.json!.recap[h1]!.roundTrips - 2);
  });
});
