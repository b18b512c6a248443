/** The `--json` contract: every document a test sees is checked against schema/output.schema.json. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { expect } from 'vitest';

const schema = JSON.parse(readFileSync(join(import.meta.dirname, '../../schema/output.schema.json'), 'utf8')) as object;
// Formats (date-time) are documentation here: ajv-formats is not a dependency.
const validate = new Ajv({ allErrors: true, allowUnionTypes: true, validateFormats: false }).compile(schema);

/** The errors of `doc` against the schema, one line each (empty: valid). */
export function schemaErrors(doc: unknown): string[] {
  if (validate(doc)) return [];
  return (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`);
}

/** Fail the test when `doc` breaks the schema, saying where. */
export function expectValidOutput(doc: unknown, what = 'provision --json output'): void {
  expect(schemaErrors(doc), `${what} validates against schema/output.schema.json`).toEqual([]);
}
