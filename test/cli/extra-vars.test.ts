/**
 * Command-line variables: anything unparsable is a UsageError naming the flag and the value (exit 5,
 * no stack trace), found before the inventory is read or any host is contacted.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../src/core/errors.ts';
import { cliVars } from '../../src/cli/extra-vars.ts';

const BIN = join(import.meta.dirname, '../../bin/provision.js');
let dir: string;
const file = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};
const none = { extraVars: [] as string[], extraVarsFile: [] as string[], secretVarsFile: [] as string[] };

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'pv-extra-'));
});

describe('cliVars', () => {
  it('reads key=value, JSON, YAML and files, later wins, and says where each was set', async () => {
    const f = file('v.yml', '# comment\nb: 2\nc: three\n');
    const r = await cliVars({ ...none, extraVars: ['a=1 b=x', '{"b": 5}'], extraVarsFile: [f] });
    expect(r.vars).toEqual({ a: '1', b: 2, c: 'three' });
    expect(r.origins).toEqual({ a: '-e a=…', b: `--extra-vars-file ${f}:2`, c: `--extra-vars-file ${f}:3` });
    // An origin never repeats the -e text: it may hold other, secret, values.
    const json = await cliVars({ ...none, extraVars: ['{"pw": "hunter2", "x": 1}'] });
    expect(json.origins).toEqual({ pw: `-e '{"pw": …}'`, x: `-e '{"x": …}'` });
  });

  it('YAML values typed as Ansible types them (PyYAML); key=value stays text', async () => {
    const f = file('t.yml', 'on_: yes\nflag: y\nmode: 0755\nzip: 09\n');
    const r = await cliVars({ ...none, extraVars: ['a=yes', '{"b": yes, "c": off}', `@${f}`] });
    expect(r.vars).toEqual({ a: 'yes', b: true, c: false, on_: true, flag: 'y', mode: 493, zip: '09' });
  });

  it('lists secret values for masking', async () => {
    const f = file('s.yml', 'pw: hunter2\n');
    expect((await cliVars({ ...none, secretVarsFile: [f] })).secrets).toEqual(['hunter2']);
  });

  it.each([
    [{ ...none, extraVars: ['{"x": '] }, /--extra-vars '\{"x": ': not valid YAML\/JSON \(line 1, column \d+/],
    [{ ...none, extraVars: ['[1, 2]'] }, /is not key=value/],
    [{ ...none, extraVars: ['{a: 1} extra'] }, /--extra-vars '\{a: 1\} extra': not valid YAML/],
  ])('%j is a UsageError naming the flag and value', async (flags, message) => {
    const err = await cliVars(flags).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect((err as UsageError).exitCode).toBe(5);
    expect((err as UsageError).message).toMatch(message);
  });

  it('a file that does not parse, or is not a mapping, names the flag and file:line:column', async () => {
    const bad = file('bad.yml', 'a: 1\nb: [1,\n');
    const err = (await cliVars({ ...none, extraVarsFile: [bad] }).catch((e: unknown) => e)) as UsageError;
    expect(err).toBeInstanceOf(UsageError);
    expect(err.message).toMatch(new RegExp(`^--extra-vars-file ${bad}: not valid YAML/JSON \\(${bad}:\\d+:\\d+`));
    const list = file('list.yml', '- 1\n');
    const e2 = (await cliVars({ ...none, secretVarsFile: [list] }).catch((e: unknown) => e)) as UsageError;
    expect(e2.message).toBe(`--secret-vars-file ${list}: must be a mapping of variables (name: value), not a list`);
    const e3 = (await cliVars({ ...none, extraVars: [`@${join(dir, 'missing.yml')}`] }).catch((e: unknown) => e)) as UsageError;
    expect(e3.message).toMatch(/^--extra-vars @.*missing\.yml: cannot read .*missing\.yml \(ENOENT\)$/);
  });
});

describe('through the real CLI', () => {
  it('-e \'{"x": \' exits 5 with the flag and value, no stack trace, before reading the inventory', async () => {
    const r = await execa('node', [BIN, '-i', join(dir, 'no-such-inventory.yml'), '-e', '{"x": '], {
      reject: false,
      timeout: 60_000,
      env: { CI: 'true' },
    });
    expect(r.exitCode).toBe(5);
    expect(r.stderr).toMatch(/^error: --extra-vars '\{"x": ': not valid YAML\/JSON/);
    expect(r.stderr).toContain('hint: write -e key=value');
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stderr).not.toContain('no-such-inventory');
  });

  it('a recipe variable outside its vars_spec exits 5 naming it, the host and the flag, before connecting', async () => {
    const inv = join(import.meta.dirname, '../../inventory/hosts.yml');
    const r = await execa('node', [BIN, '-i', inv, '-e', 'cluster_membership=statik'], {
      reject: false,
      timeout: 60_000,
      env: { CI: 'true' },
    });
    expect(r.exitCode).toBe(5);
    expect(r.stderr).toContain(
      'error: -e cluster_membership=…: variable `cluster_membership` is "statik": must be one of multicast, static',
    );
    expect(r.stderr).toContain('(host web1)');
    expect(r.stderr).toContain('hint: did you mean static? Fix the value given on the command line');
    expect(r.stdout).not.toMatch(/UNREACHABLE|TASK/);
  });
});
