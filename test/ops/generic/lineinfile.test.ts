import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { FileFact } from '../../../src/facts/types.ts';
import { fact } from '../../../src/facts/types.ts';
import { lineinfileOp, type LineinfileArgs } from '../../../src/ops/generic/lineinfile.ts';
import { absentFact, afterWrite, fileFact, planOp, schemaErrors } from './helpers.ts';

const FIX = fileURLToPath(new URL('../../fixtures/generic/', import.meta.url));
const P = '/etc/ssh/sshd_config';

/** Plan one task on `text` and return the resulting text (the input when ok). */
async function edit(text: string | null, args: Omit<LineinfileArgs, 'path'>): Promise<string | null> {
  const before: FileFact = text === null ? absentFact(P) : fileFact(P, text);
  const plan = await planOp(lineinfileOp, { path: P, ...args }, [[fact.file(P, true), before]]);
  if (plan.changes.length === 0) return text;
  return afterWrite(before, plan.changes[0]!).content!.toString();
}

/** The sshd hardening a user would port from Ansible. */
const sshdTasks: Omit<LineinfileArgs, 'path'>[] = [
  { regexp: '^#?PermitRootLogin', line: 'PermitRootLogin no' },
  { regexp: '^#?PasswordAuthentication', line: 'PasswordAuthentication no' },
  { regexp: '^X11Forwarding', line: 'X11Forwarding no' },
  { line: 'AllowUsers deploy', insertafter: '^PermitRootLogin' },
  { regexp: '^#Port ', state: 'absent' },
  { line: 'ClientAliveInterval 300' },
];

describe('lineinfile', () => {
  it('edits the real sshd_config exactly like the golden file, and a second run changes nothing', async () => {
    let text: string | null = readFileSync(`${FIX}sshd_config.before`, 'utf8');
    for (const t of sshdTasks) text = await edit(text, t);
    expect(text).toBe(readFileSync(`${FIX}sshd_config.after`, 'utf8'));
    for (const t of sshdTasks) {
      const plan = await planOp(lineinfileOp, { path: P, ...t }, [[fact.file(P, true), fileFact(P, text!)]]);
      expect(plan.changes).toEqual([]);
    }
  });

  it('says why it is ok', async () => {
    const plan = await planOp(lineinfileOp, { path: P, regexp: '^Port', line: 'Port 22' }, [
      [fact.file(P, true), fileFact(P, 'a\nPort 22\n')],
    ]);
    expect(plan.okMessage).toBe('/etc/ssh/sshd_config: line already present (line 2, matched)');
  });

  it('plans one write with a diff', async () => {
    const plan = await planOp(lineinfileOp, { path: P, line: 'b' }, [[fact.file(P, true), fileFact(P, 'a\n')]]);
    expect(plan.changes).toEqual([
      expect.objectContaining({
        kind: 'write',
        path: P,
        diff: { path: P, before: 'a\n', after: 'a\nb\n' },
        summary: expect.stringContaining('lineinfile: line added at the end'),
      }),
    ]);
  });

  it('follows Ansible on insertbefore, BOF, firstmatch and a missing final newline', async () => {
    expect(await edit('a\nx\nb\nx\n', { line: 'new', insertbefore: '^x' })).toBe('a\nx\nb\nnew\nx\n');
    expect(await edit('a\nx\nb\nx\n', { line: 'new', insertbefore: '^x', firstmatch: true })).toBe('a\nnew\nx\nb\nx\n');
    expect(await edit('a\nx\nb\nx\n', { line: 'new', insertafter: '^x', firstmatch: true })).toBe('a\nx\nnew\nb\nx\n');
    expect(await edit('a\nb\n', { line: 'top', insertbefore: 'BOF' })).toBe('top\na\nb\n');
    expect(await edit('a', { line: 'b' })).toBe('a\nb\n');
    expect(await edit('a\nb\n', { line: 'z', insertafter: '^nomatch' })).toBe('a\nb\nz\n');
    expect(await edit('k=1\nk=2\n', { regexp: '^k=', line: 'k=3' })).toBe('k=1\nk=3\n');
  });

  it('expands backrefs and leaves the file alone when the regexp does not match', async () => {
    expect(await edit('Xms=512m\n', { regexp: '^Xms=(\\d+)m$', line: 'Xms=\\1m # keep', backrefs: true })).toBe('Xms=512m # keep\n');
    expect(await edit('other\n', { regexp: '^Xms=(\\d+)m$', line: 'Xms=\\1m', backrefs: true })).toBe('other\n');
    expect(await edit('port=80\n', { regexp: '^port=(?P<p>\\d+)$', line: 'listen=\\g<p>', backrefs: true })).toBe('listen=80\n');
  });

  it('removes every matching line with state absent', async () => {
    expect(await edit('a\n#x\nb\n#y\n', { regexp: '^#', state: 'absent' })).toBe('a\nb\n');
    expect(await edit('a\nb\n', { line: 'a', state: 'absent' })).toBe('b\n');
    expect(await edit('a,b\nc\n', { search_string: ',', state: 'absent' })).toBe('c\n');
  });

  it('creates the file only with create: true', async () => {
    expect(await edit(null, { line: 'x', create: true })).toBe('x\n');
    await expect(edit(null, { line: 'x' })).rejects.toMatchObject({
      message: `${P} does not exist`,
      hint: expect.stringContaining('create: true'),
    });
    const plan = await planOp(lineinfileOp, { path: P, line: 'x', state: 'absent' }, [[fact.file(P, true), absentFact(P)]]);
    expect(plan.changes).toEqual([]);
  });

  it('refuses to edit through a symbolic link, naming it', async () => {
    const link = { ...absentFact(P), exists: true, type: 'link' as const, mode: 0o777, owner: 'root', group: 'root', size: 20 };
    await expect(planOp(lineinfileOp, { path: P, line: 'x' }, [[fact.file(P, true), link]])).rejects.toMatchObject({
      message: `${P} is a symbolic link`,
      hint: expect.stringContaining('readlink -f'),
    });
  });

  it('reports an invalid regexp by argument', async () => {
    await expect(edit('a\n', { regexp: '([', line: 'x' })).rejects.toThrow(/^regexp: "\(\[" is not a valid regular expression/);
  });

  it('schema: line is required for present; insertafter and insertbefore exclude each other', () => {
    expect(schemaErrors(lineinfileOp, { path: P, regexp: '^x' })).toEqual(
      expect.arrayContaining([expect.stringContaining("required property 'line'")]),
    );
    expect(schemaErrors(lineinfileOp, { path: P, state: 'absent', regexp: '^x' })).toBeNull();
    expect(schemaErrors(lineinfileOp, { path: P, state: 'absent' })).not.toBeNull();
    expect(schemaErrors(lineinfileOp, { path: P, line: 'x', insertafter: 'a', insertbefore: 'b' })).not.toBeNull();
    expect(schemaErrors(lineinfileOp, { path: P, line: 'x', backrefs: true })).not.toBeNull();
    expect(schemaErrors(lineinfileOp, { path: P, line: 'x', regex: '^x' })).toEqual(
      expect.arrayContaining([expect.stringContaining('additional properties')]),
    );
  });
});
