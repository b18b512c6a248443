import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { fact, type FileFact } from '../../../src/facts/types.ts';
import { blockinfileOp, type BlockinfileArgs } from '../../../src/ops/generic/blockinfile.ts';
import { absentFact, afterWrite, fileFact, planOp, schemaErrors } from './helpers.ts';

const FIX = fileURLToPath(new URL('../../fixtures/generic/', import.meta.url));
const P = '/opt/tomcat2/bin/catalina.sh';

async function edit(text: string | null, args: Omit<BlockinfileArgs, 'path'>): Promise<string | null> {
  const before: FileFact = text === null ? absentFact(P) : fileFact(P, text, { mode: 0o755 });
  const plan = await planOp(blockinfileOp, { path: P, ...args }, [[fact.file(P, true), before]]);
  if (plan.changes.length === 0) return text;
  return afterWrite(before, plan.changes[0]!).content!.toString();
}

/** The recipe's step 2: the second instance's environment near the top of catalina.sh. */
const envBlock: Omit<BlockinfileArgs, 'path'> = {
  insertafter: '^#!/bin/sh',
  block: [
    'export CATALINA_HOME=/opt/tomcat2',
    'export TOMCAT_HOME=/opt/tomcat2',
    'export CATALINA_BASE=/opt/tomcat2',
    'CATALINA_PID=/opt/tomcat2/bin/tomcat.pid',
  ].join('\n'),
};

describe('blockinfile', () => {
  const original = readFileSync(`${FIX}catalina.sh.before`, 'utf8');

  it("inserts the block into Tomcat's real catalina.sh exactly like the golden file", async () => {
    expect(await edit(original, envBlock)).toBe(readFileSync(`${FIX}catalina.sh.after`, 'utf8'));
  });

  it('is idempotent and says why', async () => {
    const once = (await edit(original, envBlock))!;
    const plan = await planOp(blockinfileOp, { path: P, ...envBlock }, [[fact.file(P, true), fileFact(P, once)]]);
    expect(plan.changes).toEqual([]);
    expect(plan.okMessage).toBe(`${P}: block between "# BEGIN ANSIBLE MANAGED BLOCK" and "# END ANSIBLE MANAGED BLOCK" already up to date`);
  });

  it('replaces the block in place when its content changes, keeping the rest', async () => {
    const once = (await edit(original, envBlock))!;
    const changed = (await edit(once, { ...envBlock, block: 'export CATALINA_HOME=/srv/t2' }))!;
    expect(changed.split('\n').slice(0, 4)).toEqual([
      '#!/bin/sh',
      '# BEGIN ANSIBLE MANAGED BLOCK',
      'export CATALINA_HOME=/srv/t2',
      '# END ANSIBLE MANAGED BLOCK',
    ]);
    expect(changed.slice(changed.indexOf('# END ANSIBLE MANAGED BLOCK\n') + 28)).toBe(original.slice('#!/bin/sh\n'.length));
  });

  it('state absent (or an empty block) restores the original bytes', async () => {
    const once = (await edit(original, envBlock))!;
    expect(await edit(once, { state: 'absent' })).toBe(original);
    expect(await edit(once, { block: '' })).toBe(original);
    expect(await edit(original, { state: 'absent' })).toBe(original);
  });

  it('uses custom markers and anchors like Ansible', async () => {
    const m = { marker: '<!-- {mark} cluster -->', marker_begin: 'start', marker_end: 'stop' };
    expect(await edit('a\nb\n', { ...m, block: 'x' })).toBe('a\nb\n<!-- start cluster -->\nx\n<!-- stop cluster -->\n');
    expect(await edit('a\nb\n', { block: 'x', insertbefore: 'BOF' })).toBe(
      '# BEGIN ANSIBLE MANAGED BLOCK\nx\n# END ANSIBLE MANAGED BLOCK\na\nb\n',
    );
    expect(await edit('a\nb\na\n', { block: 'x', insertbefore: '^a' })).toBe(
      'a\nb\n# BEGIN ANSIBLE MANAGED BLOCK\nx\n# END ANSIBLE MANAGED BLOCK\na\n',
    );
    expect(await edit('a', { block: 'x' })).toBe('a\n# BEGIN ANSIBLE MANAGED BLOCK\nx\n# END ANSIBLE MANAGED BLOCK\n');
  });

  it('creates the file only with create: true', async () => {
    expect(await edit(null, { block: 'x', create: true })).toBe('# BEGIN ANSIBLE MANAGED BLOCK\nx\n# END ANSIBLE MANAGED BLOCK\n');
    await expect(edit(null, { block: 'x' })).rejects.toMatchObject({ hint: expect.stringContaining('create: true') });
  });

  it('keeps mode and plans a write with a diff', async () => {
    const plan = await planOp(blockinfileOp, { path: P, block: 'x', mode: '0750' }, [
      [fact.file(P, true), fileFact(P, 'a\n', { mode: 0o755 })],
    ]);
    expect(plan.changes).toEqual([
      expect.objectContaining({
        kind: 'write',
        mode: 0o750,
        diff: { path: P, before: 'a\n', after: 'a\n# BEGIN ANSIBLE MANAGED BLOCK\nx\n# END ANSIBLE MANAGED BLOCK\n' },
      }),
    ]);
  });

  it('schema: path required, marker must contain {mark}, one anchor only', () => {
    expect(schemaErrors(blockinfileOp, { block: 'x' })).toEqual(
      expect.arrayContaining([expect.stringContaining("required property 'path'")]),
    );
    expect(schemaErrors(blockinfileOp, { path: P, block: 'x', marker: '# managed' })).not.toBeNull();
    expect(schemaErrors(blockinfileOp, { path: P, block: 'x', insertafter: 'a', insertbefore: 'b' })).not.toBeNull();
    expect(schemaErrors(blockinfileOp, { path: P, block: 'x', content: 'y' })).not.toBeNull();
    expect(schemaErrors(blockinfileOp, { path: P, block: 'x', insertafter: '^#!', create: true })).toBeNull();
  });
});
