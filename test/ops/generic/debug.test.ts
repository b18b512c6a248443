import { describe, expect, it } from 'vitest';
import { debugOp } from '../../../src/ops/generic/debug.ts';
import { setFactOp } from '../../../src/ops/generic/set-fact.ts';
import { genericOperations } from '../../../src/ops/generic/index.ts';
import { ctxWith, planOp, schemaErrors } from './helpers.ts';

describe('debug', () => {
  it('reports msg or a variable, never a change', async () => {
    expect(await planOp(debugOp, { msg: 'route is tomcat1' }, [])).toEqual({ changes: [], okMessage: 'route is tomcat1' });
    expect(await planOp(debugOp, { var: 'ports' }, [], ctxWith({ ports: [4000, 4001] }))).toEqual({
      changes: [],
      okMessage: 'ports = [4000,4001]',
    });
    expect((await planOp(debugOp, { var: 'nope' }, [])).okMessage).toBe('nope = VARIABLE IS NOT DEFINED!');
  });

  it('schema: msg or var', () => {
    expect(schemaErrors(debugOp, {})).not.toBeNull();
    expect(schemaErrors(debugOp, { msg: 'x', vars: 'y' })).not.toBeNull();
  });
});

describe('genericOperations', () => {
  it('exports every generic operation once, each with a strict object schema', () => {
    const names = genericOperations.map((o) => o.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toEqual(
      expect.arrayContaining([
        'file',
        'copy',
        'template',
        'lineinfile',
        'blockinfile',
        'command',
        'shell',
        'service',
        'package',
        'firewall',
        'xml',
        'debug',
        'replace',
        'set_fact',
        'assert',
        'fail',
        'stat',
        'wait_for',
        'uri',
        'unarchive',
      ]),
    );
    // set_fact's arguments are the variable names it sets: any name that is a name.
    for (const op of genericOperations.filter((o) => o.name !== 'set_fact'))
      expect(op.schema).toMatchObject({ type: 'object', additionalProperties: false });
    expect(setFactOp.schema).toMatchObject({ type: 'object', propertyNames: { pattern: '^[A-Za-z_][A-Za-z0-9_]*$' } });
  });
});
