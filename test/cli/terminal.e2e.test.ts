/**
 * What a person sees in a terminal: the CLI runs in a real pseudo-terminal (`script` from
 * util-linux), without CI=true, so the listr2 view is the one under test. Asserted on the raw bytes
 * a terminal receives: every loop item of every host as its own line with its state and colour,
 * the waiting line of each Tomcat start with its time against the timeout, the recap's run id; and
 * with NO_COLOR=1 not one escape sequence from any command.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { quote } from '../../src/core/quote.ts';
import { withHosts } from '../../src/journal/hosts.ts';
import { openJournal } from '../../src/journal/rollback.ts';
import { useLab } from '../helpers/lab.ts';
import { BIN, cli } from '../helpers/recipe.ts';

const lab = useLab({ profile: 'recipe' });
const host = () => lab.hosts[0]!;
const inv = () => lab.info.inventoryPath;
const ESC = '\x1b';
const YELLOW = `${ESC}[33m`;
const GREEN = `${ESC}[32m`;
const CYAN = `${ESC}[36m`;

/** Run `provision args` in a 160×50 pseudo-terminal; everything the terminal got, escapes and all. */
async function inPty(args: string[], env: Record<string, string> = {}): Promise<{ code: number; screen: string }> {
  const cmd = `stty cols 160 rows 50; exec ${['node', BIN, ...args].map((a) => quote(a)).join(' ')}`;
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !['CI', 'NO_COLOR', 'FORCE_COLOR'].includes(k)));
  const r = await execa('script', ['-qfec', cmd, '/dev/null'], {
    reject: false,
    timeout: 600_000,
    extendEnv: false,
    env: { ...base, TERM: 'xterm-256color', ...env },
  });
  return { code: r.exitCode ?? -1, screen: String(r.stdout) };
}

describe('the recipe in a terminal', () => {
  it('check mode: every would-change line is cyan', { timeout: 600_000 }, async () => {
    const r = await inPty(['-i', inv(), '--check']);
    expect(r.code, r.screen).toBe(0);
    expect(r.screen).toContain(`${CYAN}would change: [${host()}] (item=tomcat2)`);
    expect(r.screen).toMatch(/check mode: nothing was changed \(run \S+ is not journaled\)/);
  });

  it(
    'the run: each item of each host on its own line in its colour, a ticking wait per Tomcat start, the run id',
    { timeout: 600_000 },
    async () => {
      const r = await inPty(['-i', inv()]);
      expect(r.code, r.screen).toBe(0);
      const s = r.screen;
      // Every loop item keeps its own line: both Tomcat instances, in the copy task, the roll and the last check.
      for (const item of ['tomcat1', 'tomcat2']) {
        expect(s).toContain(`${YELLOW}changed: [${host()}] (item=${item}) => `);
        expect(s).toMatch(new RegExp(`${YELLOW.replace('[', '\\[')}changed: \\[${host()}\\] \\(item=${item}\\) => rolled `));
        expect(s).toContain(`${GREEN}ok: [${host()}] (item=${item})`);
        // While it starts: what it waits for, and the seconds spent against the timeout.
        expect(s).toMatch(new RegExp(`\\[\\d+ s / 120 s\\] \\S+ ${item}: starting; waiting for port \\d+ and `));
      }
      expect(s).toMatch(/RUNNING HANDLER \[restart tomcat\]/);
      // The recap: the changes journaled and the run id, which history lists with the same count.
      const m = /run (\d{8}T\d{6}Z-[0-9a-f]{6}): (\d+) changes journaled on 1 host/.exec(s);
      expect(m, s.slice(-2000)).not.toBeNull();
      const history = await cli(['history', '-i', inv(), '--json']);
      const runs = (history.json as unknown as { hosts: Record<string, { runs: { id: string; changed: number }[] }> }).hosts[host()]!.runs;
      expect(runs[0]).toMatchObject({ id: m![1], changed: Number(m![2]) });
      // Every change the journal recorded is on screen: each file, port and config change verbatim,
      // the roll's drain/stop/start/enable in its instance's "rolled" line.
      const entries = await withHosts({ inventory: inv(), limit: host() }, async ([h]) => {
        const j = await openJournal(h!.transport!, host(), { lockId: '', check: true });
        return j.runs.find((x) => x.meta.id === m![1])!.entries.map((e) => e.entry);
      });
      expect(entries.length).toBe(Number(m![2]));
      const plainScreen = s.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '');
      for (const e of entries.filter((x) => x.kind !== 'balancer' && x.kind !== 'service'))
        expect(plainScreen, `journaled: ${e.summary}`).toContain(e.summary);
      expect(entries.filter((x) => x.kind === 'service' || x.kind === 'balancer').length).toBeGreaterThan(0);
      expect(s).toMatch(new RegExp(`${host()}\\S* : \\S*ok=\\d+\\S* \\S*changed=\\d+`));
    },
  );

  it('NO_COLOR=1: no escape sequence in the output of a run, history, rollback --check, an error', { timeout: 600_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pv-term-'));
    const bad = join(dir, 'bad.yml');
    writeFileSync(bad, 'all:\n  hosts:\n    a: {ansible_host: 1.2.3.4\n');
    const outputs = {
      run: await inPty(['-i', inv()], { NO_COLOR: '1' }),
      history: await inPty(['history', '-i', inv()], { NO_COLOR: '1' }),
      'rollback --check': await inPty(['rollback', '-i', inv(), '--check'], { NO_COLOR: '1' }),
      error: await inPty(['-i', bad], { NO_COLOR: '1' }),
      '--no-color (FORCE_COLOR=1)': await inPty(['history', '-i', inv(), '--no-color'], { FORCE_COLOR: '1' }),
    };
    expect(outputs.run.code, outputs.run.screen).toBe(0);
    // The rerun changes nothing: every item still has its line.
    expect(outputs.run.screen).toContain(`ok: [${host()}] (item=tomcat2)`);
    expect(outputs.history.screen).toMatch(/changed=\d+ {2}complete/);
    expect(outputs['rollback --check'].screen).toContain('would');
    expect(outputs.error.code).toBe(4);
    for (const [what, o] of Object.entries(outputs)) expect(o.screen.includes(ESC), `${what}:\n${o.screen}`).toBe(false);
  });
});
