/** `debug` (like Ansible's): never changes anything; reports a message or a variable's value. */
import { defineOperation } from '../types.ts';
import { objectSchema } from './common.ts';

export interface DebugArgs {
  /** Text to show (already templated). */
  msg?: string;
  /** Name of a host variable to show as JSON. */
  var?: string;
}

export const debugOp = defineOperation<DebugArgs>({
  name: 'debug',
  schema: objectSchema({ msg: { type: 'string' }, var: { type: 'string', minLength: 1 } }, [], {
    oneOf: [{ required: ['msg'] }, { required: ['var'] }],
    description: 'give exactly one of msg or var',
  }),
  facts: () => [],
  plan(a, _facts, ctx) {
    if (a.msg !== undefined) return { changes: [], okMessage: a.msg };
    const name = a.var as string;
    const value = Object.hasOwn(ctx.vars, name) ? JSON.stringify(ctx.vars[name]) : 'VARIABLE IS NOT DEFINED!';
    return { changes: [], okMessage: `${name} = ${value}` };
  },
});
