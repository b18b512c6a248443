/**
 * `assert` and `fail` (like Ansible's): stop the host when a condition is false, before any change
 * (they are planned with everything else). `that:` holds bare Jinja2 expressions, as in Ansible:
 * the loader wraps each in `{{ }}`, so they arrive here already evaluated.
 */
import { OperationError } from '../../core/errors.ts';
import { defineOperation } from '../types.ts';

export interface AssertArgs {
  /** Conditions (evaluated by the templating): all must be true. */
  that: unknown[] | unknown;
  fail_msg?: unknown;
  msg?: unknown;
  success_msg?: unknown;
  quiet?: boolean;
}

const text = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));
const truthy = (v: unknown) => (typeof v === 'string' ? /^(1|true|yes|on)$/i.test(v.trim()) : Boolean(v));

export const assertOp = defineOperation<AssertArgs>({
  name: 'assert',
  schema: {
    type: 'object',
    properties: { that: {}, fail_msg: {}, msg: {}, success_msg: {}, quiet: { type: 'boolean' } },
    required: ['that'],
    additionalProperties: false,
  },
  facts: () => [],
  plan(a) {
    const that = Array.isArray(a.that) ? a.that : [a.that];
    const bad = that.findIndex((x) => !truthy(x));
    if (bad >= 0)
      throw new OperationError(text(a.fail_msg ?? a.msg ?? `Assertion ${bad + 1} of ${that.length} failed`), {
        hint: 'the playbook’s assert says this host is not as it expects',
      });
    return { changes: [], okMessage: text(a.success_msg ?? 'All assertions passed') };
  },
});

export const failOp = defineOperation<{ msg?: unknown }>({
  name: 'fail',
  schema: { type: 'object', properties: { msg: {} }, additionalProperties: false },
  facts: () => [],
  plan(a) {
    throw new OperationError(text(a.msg ?? 'Failed as requested from task'), { hint: 'the playbook’s fail task stopped this host' });
  },
});
