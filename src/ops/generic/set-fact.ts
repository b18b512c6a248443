/**
 * `set_fact` (like Ansible's): host variables for the tasks after it. Never changes anything; the
 * runner puts its arguments into the host's variables (runner/register.ts), and the loader
 * expands the tasks that read them once it has run.
 */
import { defineOperation } from '../types.ts';

export const setFactOp = defineOperation<Record<string, unknown>>({
  name: 'set_fact',
  schema: {
    type: 'object',
    minProperties: 1,
    propertyNames: { pattern: '^[A-Za-z_][A-Za-z0-9_]*$' },
    not: { required: ['cacheable'], properties: { cacheable: { const: true } } },
    description: 'variable names; `cacheable: true` (a fact cache) is not supported',
  },
  facts: () => [],
  plan(a) {
    const vars = Object.fromEntries(Object.entries(a).filter(([k]) => k !== 'cacheable'));
    return { changes: [], okMessage: `set ${Object.keys(vars).join(', ')}`, result: { ansible_facts: vars } };
  },
});
