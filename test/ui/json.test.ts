/**
 * The `--json` contract without lab hosts: a real run whose host cannot be reached, and errors
 * before any run through the real CLI, each a document that validates against the schema.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { ConnectError } from '../../src/core/errors.ts';
import { loadOperations } from '../../src/ops/registry.ts';
import { RunEmitter } from '../../src/runner/events.ts';
import { runPlaybook } from '../../src/runner/run.ts';
import { attachJson } from '../../src/ui/json.ts';
import { expectValidOutput, schemaErrors } from '../helpers/schema.ts';

const BIN = join(import.meta.dirname, '../../bin/provision.js');
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'pv-json-'));
  writeFileSync(join(dir, 'hosts.yml'), 'all:\n  hosts:\n    w1: { ansible_host: 192.0.2.1, ansible_user: deploy }\n');
  writeFileSync(join(dir, 'site.yml'), '- hosts: all\n  tasks:\n    - debug: { msg: hi }\n');
});

const cli = async (args: string[], env: Record<string, string> = {}) => {
  // The colour variables of the shell running the tests must not decide these cases.
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== 'NO_COLOR' && k !== 'FORCE_COLOR'));
  const r = await execa('node', [BIN, ...args], { reject: false, env: { ...base, CI: 'true', ...env }, extendEnv: false });
  return { code: r.exitCode, stdout: String(r.stdout), stderr: String(r.stderr) };
};

describe('--json documents', () => {
  it('a run: its run id (the one runPlaybook returns), the host status as a word, and the message saying nothing changed', async () => {
    const out: string[] = [];
    const emitter = new RunEmitter();
    attachJson(emitter, (s) => out.push(s), {
      playbook: join(dir, 'site.yml'),
      inventory: join(dir, 'hosts.yml'),
      check: false,
      diff: false,
    });
    const summary = await runPlaybook({
      inventory: join(dir, 'hosts.yml'),
      playbook: join(dir, 'site.yml'),
      ops: await loadOperations(),
      emitter,
      open: async () => {
        throw new ConnectError('connection refused', { hint: 'is sshd running?' });
      },
    });
    expect(out).toHaveLength(1);
    const doc = JSON.parse(out[0]!) as Record<string, any>;
    expectValidOutput(doc);
    expect(doc).toMatchObject({ schemaVersion: 1, kind: 'run', runId: summary.runId, exitCode: 3 });
    expect(doc.recap.w1).toMatchObject({ status: 'unreachable', unreachable: 1, changes: 0 });
    expect(doc.problems).toEqual([{ kind: 'unreachable', host: 'w1', message: 'connection refused', hint: 'is sshd running?' }]);
    expect(doc.messages.map((m: { message: string }) => m.message)).toContain('a host is unreachable: nothing was changed on any host');
  });

  it('diffs only with --diff; every loop item its own result', () => {
    const docs = [false, true].map((diff) => {
      const out: string[] = [];
      const em = new RunEmitter();
      attachJson(em, (x) => out.push(x), { playbook: 'p.yml', inventory: 'h.yml', check: true, diff });
      em.emit('run:start', { runId: '20261201T100057Z-ace4c3', playbook: 'p.yml', check: true });
      em.emit('play:start', { play: 'all', hosts: ['w1'], check: true });
      em.emit('task:start', { task: 'files', hosts: ['w1'], handler: false });
      for (const item of ['a', 'b'])
        em.emit('task:result', {
          host: 'w1',
          task: `files (${item})`,
          item,
          status: 'would-change',
          message: `create /srv/${item}`,
          diffs: [{ path: `/srv/${item}`, before: null, after: 'x\n' }],
          changes: [`create /srv/${item}`],
          durationMs: 2,
        });
      em.emit('task:end', { task: 'files' });
      const recap = { ok: 0, changed: 1, failed: 0, skipped: 0, unreachable: false, roundTrips: 1, connections: 1, changes: 0 };
      em.emit('run:end', { runId: '20261201T100057Z-ace4c3', recap: { w1: recap }, durationMs: 3, exitCode: 0 });
      const doc = JSON.parse(out[0]!) as Record<string, any>;
      expectValidOutput(doc);
      return doc;
    });
    const [plainDoc, withDiff] = docs.map((d) => d!.plays[0].tasks[0].results as Record<string, unknown>[]);
    expect(plainDoc!.map((r) => r.item)).toEqual(['a', 'b']);
    expect(plainDoc!.every((r) => !('diffs' in r))).toBe(true);
    expect(withDiff!.map((r) => r.diffs)).toEqual([
      [{ path: '/srv/a', before: null, after: 'x\n' }],
      [{ path: '/srv/b', before: null, after: 'x\n' }],
    ]);
    expect(docs[0]!.recap.w1.status).toBe('would-change');
  });

  it("a host a block's rescue caught: the recap's `rescued` count, as the text recap's rescued=", () => {
    const out: string[] = [];
    const em = new RunEmitter();
    attachJson(em, (s) => out.push(s), { playbook: 'p.yml', inventory: 'h.yml', check: false, diff: false });
    const base = { ok: 2, changed: 0, failed: 0, skipped: 0, unreachable: false, roundTrips: 1, connections: 1, changes: 0 };
    em.emit('run:end', { runId: '20261201T100057Z-ace4c3', recap: { w1: { ...base, rescued: 1 }, w2: base }, durationMs: 3, exitCode: 0 });
    const doc = JSON.parse(out[0]!) as Record<string, any>;
    expectValidOutput(doc);
    expect(doc.recap.w1).toMatchObject({ status: 'ok', failed: 0, rescued: 1 });
    expect(doc.recap.w2.rescued).toBe(0);
  });

  it('an error before the run is a JSON document on stdout too, with the exit code unchanged', async () => {
    const r = await cli(['-i', join(dir, 'absent.yml'), join(dir, 'site.yml'), '--json']);
    expect(r.code).toBe(4);
    const doc = JSON.parse(r.stdout) as Record<string, any>;
    expectValidOutput(doc);
    expect(doc).toMatchObject({ kind: 'error', command: 'run', exitCode: 4, error: { type: 'InventoryError' } });
    expect(doc.error.message).toContain('absent.yml');
    expect(r.stderr).toContain('error: ');
  });

  it('a usage error (no inventory; an unknown option) is a document with exit 5', async () => {
    const cases = [['--json'], ['history', '--json'], ['--json', '--bogus']];
    const runs = await Promise.all(cases.map((args) => cli(args)));
    for (const [i, args] of cases.entries()) {
      const r = runs[i]!;
      expect(r.code, args.join(' ')).toBe(5);
      const doc = JSON.parse(r.stdout) as Record<string, any>;
      expectValidOutput(doc);
      expect(doc).toMatchObject({ kind: 'error', exitCode: 5, command: args[0] === 'history' ? 'history' : 'run' });
    }
  });

  it('the schema refuses what the contract excludes (a boolean unreachable, a missing run id)', () => {
    const ok = {
      schemaVersion: 1,
      kind: 'run',
      runId: '20261201T100057Z-ace4c3',
      playbook: 'p.yml',
      inventory: 'h.yml',
      check: false,
      startedAt: '2026-12-01T10:00:57.000Z',
      durationMs: 1,
      exitCode: 0,
      recap: { a: { status: 'ok', ok: 1, changed: 0, unreachable: 0, failed: 0, skipped: 0, changes: 0, roundTrips: 1, connections: 1 } },
      plays: [],
      problems: [],
      messages: [],
    };
    expect(schemaErrors(ok)).toEqual([]);
    expect(schemaErrors({ ...ok, recap: { a: { ...ok.recap.a, unreachable: false } } })).not.toEqual([]);
    const { runId: _, ...noId } = ok;
    expect(schemaErrors(noId)).not.toEqual([]);
  });
});

describe('colour', () => {
  const ESC = '\x1b[';
  it('FORCE_COLOR colours an error even into a pipe; NO_COLOR and --no-color win over it (errors on stderr too)', async () => {
    const args = ['-i', join(dir, 'absent.yml'), join(dir, 'site.yml')];
    // (A pipe without FORCE_COLOR gets none: test/ui/render.test.ts checks the decision itself.)
    const [forced, noColor, flag] = await Promise.all([
      cli(args, { FORCE_COLOR: '1' }),
      cli(args, { FORCE_COLOR: '1', NO_COLOR: '1' }),
      cli([...args, '--no-color'], { FORCE_COLOR: '1' }),
    ]);
    expect(forced.stderr).toContain(`${ESC}31merror: `);
    expect(noColor.stderr).not.toContain(ESC);
    expect(flag.stderr).not.toContain(ESC);
  });
});
