/** set_fact, assert, fail and stat: never a change; what they report and register. */
import { describe, expect, it } from 'vitest';
import { fact } from '../../../src/facts/types.ts';
import { assertOp, failOp } from '../../../src/ops/generic/assert.ts';
import { setFactOp } from '../../../src/ops/generic/set-fact.ts';
import { statOp } from '../../../src/ops/generic/stat.ts';
import { absentFact, dirFact, fileFact, planOp, schemaErrors } from './helpers.ts';

describe('set_fact', () => {
  it('gives its variables as the result, changing nothing', async () => {
    expect(await planOp(setFactOp, { a: 1, b: 'x' }, [])).toEqual({
      changes: [],
      okMessage: 'set a, b',
      result: { ansible_facts: { a: 1, b: 'x' } },
    });
    expect(schemaErrors(setFactOp, { 'not a name': 1 })).not.toBeNull();
    expect(schemaErrors(setFactOp, { a: 1, cacheable: true })).not.toBeNull();
  });
});

describe('assert and fail', () => {
  it('assert passes when every condition is true and fails with fail_msg otherwise', async () => {
    expect((await planOp(assertOp, { that: [true, 'True'] }, [])).okMessage).toBe('All assertions passed');
    await expect(planOp(assertOp, { that: [true, false], fail_msg: 'no server.xml' }, [])).rejects.toThrow('no server.xml');
    await expect(planOp(assertOp, { that: ['false'] }, [])).rejects.toThrow('Assertion 1 of 1 failed');
  });
  it('fail fails with its message', async () => {
    await expect(planOp(failOp, { msg: 'stop here' }, [])).rejects.toThrow('stop here');
  });
});

describe('stat', () => {
  const P = '/opt/tomcat/conf/server.xml';
  it('registers Ansible’s stat fields from the file fact', async () => {
    const plan = await planOp(statOp, { path: P }, [[fact.file(P), fileFact(P, '<Server/>', { mode: 0o640, owner: 'tomcat' }, false)]]);
    expect(plan.changes).toEqual([]);
    expect(plan.result!.stat).toMatchObject({ exists: true, isreg: true, isdir: false, mode: '0640', pw_name: 'tomcat' });
    const dir = await planOp(statOp, { path: '/opt' }, [[fact.file('/opt'), dirFact('/opt')]]);
    expect(dir.result!.stat).toMatchObject({ exists: true, isdir: true });
    const none = await planOp(statOp, { path: '/nope' }, [[fact.file('/nope'), absentFact('/nope')]]);
    expect(none.result).toEqual({ stat: { exists: false } });
  });
});
