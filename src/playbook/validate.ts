/** Checks a task's arguments against its operation's JSON schema, with messages that name the task. */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { closest } from '../inventory/suggest.ts';
import type { OperationDef } from '../ops/types.ts';
import { playbookError } from './load.ts';
import { surelyValid } from './schema-fit.ts';
import type { Task } from './types.ts';

// No codegen optimisation passes: they cost more at compile time (each run compiles its ops'
// schemas) than they ever save on validating a task's few arguments. Made on first use: most runs
// compile no validator at all (schema-fit.ts), and making an Ajv costs a run's start ~10 ms.
let ajv: Ajv | undefined;
const compiled = new WeakMap<object, ValidateFunction>();

function validator(op: OperationDef<any>): ValidateFunction {
  let v = compiled.get(op.schema);
  if (!v) {
    ajv ??= new Ajv({ allErrors: true, strict: false, useDefaults: false, code: { optimize: false } });
    v = ajv.compile(op.schema);
    compiled.set(op.schema, v);
  }
  return v;
}

function describe(e: ErrorObject, op: OperationDef<any>): { msg: string; hint?: string } {
  const where = e.instancePath ? `argument \`${e.instancePath.slice(1).replace(/\//g, '.')}\`` : 'arguments';
  // A top-level argument's own `description` in the schema says what to write instead.
  const described = (name: string) => {
    const d = ((op.schema.properties ?? {}) as Record<string, { description?: unknown }>)[name]?.description;
    return typeof d === 'string' ? { hint: d } : {};
  };
  if (e.keyword === 'required') {
    const missing = (e.params as { missingProperty: string }).missingProperty;
    return { msg: `\`${op.name}\` needs argument \`${missing}\``, ...described(missing) };
  }
  if (e.keyword === 'const') {
    const want = JSON.stringify((e.params as { allowedValue: unknown }).allowedValue);
    return { msg: `${where} of \`${op.name}\` must be ${want}`, ...described(e.instancePath.slice(1)) };
  }
  if (e.keyword === 'additionalProperties') {
    const extra = (e.params as { additionalProperty: string }).additionalProperty;
    const known = Object.keys((op.schema.properties as object) ?? {});
    const guess = closest(extra, known);
    return {
      msg: `unknown argument \`${extra}\` for \`${op.name}\``,
      hint: guess ? `did you mean \`${guess}\`?` : `\`${op.name}\` takes: ${known.join(', ')}`,
    };
  }
  if (e.keyword === 'enum') {
    return {
      msg:
        `${where} of \`${op.name}\` must be one of ` +
        `${(e.params as { allowedValues: unknown[] }).allowedValues.map((x) => JSON.stringify(x)).join(', ')}`,
    };
  }
  return { msg: `${where} of \`${op.name}\` ${e.message ?? 'is invalid'}` };
}

/** Throws a PlaybookError at the task's position when the args do not fit the schema. */
export function validateArgs(op: OperationDef<any>, args: unknown, task: Task, host?: string): void {
  // Arguments that plainly fit need no compiled validator (schema-fit.ts; it never relies on coercion).
  if (surelyValid(op.schema as Record<string, unknown>, args)) return;
  const v = validator(op);
  if (v(args)) return;
  const errors = v.errors ?? [];
  // Prefer the most telling error: missing or unknown arguments first.
  const e = errors.find((x) => x.keyword === 'required') ?? errors.find((x) => x.keyword === 'additionalProperties') ?? errors[0]!;
  const { msg, hint } = describe(e, op);
  const err = playbookError(task.pos, `task "${task.name}": ${msg}${host ? ` (host ${host})` : ''}`, hint);
  throw err;
}

/** Before templating: only what does not depend on variables (missing and unknown argument names). */
export function checkArgNames(op: OperationDef<any>, task: Task): void {
  const props = (op.schema.properties ?? {}) as Record<string, unknown>;
  const required = (op.schema.required ?? []) as string[];
  const missing = required.find((r) => !(r in task.args));
  if (missing) throw playbookError(task.pos, `task "${task.name}": \`${op.name}\` needs argument \`${missing}\``);
  if (op.schema.additionalProperties === false) {
    for (const k of Object.keys(task.args)) {
      if (!(k in props)) {
        const guess = closest(k, Object.keys(props));
        throw playbookError(
          task.pos,
          `task "${task.name}": unknown argument \`${k}\` for \`${op.name}\``,
          guess ? `did you mean \`${guess}\`?` : `\`${op.name}\` takes: ${Object.keys(props).join(', ')}`,
        );
      }
    }
  }
}
