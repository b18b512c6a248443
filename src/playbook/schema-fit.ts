/**
 * A quick "certainly valid" check of a value against a JSON schema (vars-spec.ts's, and the
 * operations' argument schemas), so a run compiles an ajv validator only for values that may not
 * fit (ajv's code generation is the bigger part of checking variables and arguments). It is
 * conservative: true only when ajv would accept the value too, with or without coerceTypes
 * (property-tested against ajv in test/playbook/schema-fit.test.ts); any keyword it does not
 * know, any coercion ajv would do, anything unsure gives false, and ajv decides.
 * Hand-written because no library answers "surely valid" without compiling.
 */

/** The `format`s vars-spec.ts declares; ajv gets the same functions. */
export const FORMATS: Record<string, (s: string) => boolean> = {
  ipv4: (s) => octets(s) !== undefined,
  ipv4_multicast: (s) => {
    const o = octets(s);
    return !!o && o[0]! >= 224 && o[0]! <= 239;
  },
  'absolute-path': (s) => s.startsWith('/') && !s.includes('\0'),
};

function octets(s: string): number[] | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s);
  return m && m.slice(1).every((o) => Number(o) <= 255 && (o === '0' || !o.startsWith('0'))) ? m.slice(1).map(Number) : undefined;
}

const KNOWN = new Set([
  'description',
  'writeOnly',
  'const',
  'minLength',
  'minItems',
  'anyOf',
  'type',
  'enum',
  'format',
  'pattern',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'items',
  'properties',
  'required',
  'additionalProperties',
]);

const patterns = new Map<string, RegExp | null>();
function regex(p: string): RegExp | null {
  if (!patterns.has(p)) {
    try {
      // ajv's default: unicode regular expressions.
      patterns.set(p, new RegExp(p, 'u'));
    } catch {
      patterns.set(p, null);
    }
  }
  return patterns.get(p)!;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** True only if `value` certainly satisfies `schema` (as ajv with coerceTypes would judge it). */
export function surelyValid(schema: Record<string, unknown>, value: unknown): boolean {
  for (const k of Object.keys(schema)) if (!KNOWN.has(k)) return false;
  const { type, enum: choices, format, pattern, minimum, maximum, exclusiveMinimum, items, properties, required } = schema;
  const { const: only, minLength, minItems, anyOf } = schema;
  if (only !== undefined && !(typeof only !== 'object' && only === value)) return false;
  // One branch that surely fits is enough for anyOf.
  if (anyOf !== undefined && !(Array.isArray(anyOf) && anyOf.some((b) => isObject(b) && surelyValid(b, value)))) return false;
  if (minLength !== undefined) {
    // ajv counts code points, as the string iterator does.
    if (typeof value !== 'string' || typeof minLength !== 'number' || [...value].length < minLength) return false;
  }
  if (minItems !== undefined && !(Array.isArray(value) && typeof minItems === 'number' && value.length >= minItems)) return false;
  // Scalars only (ajv compares deeply; === is enough for these and never says yes wrongly).
  if (choices !== undefined) {
    if (!Array.isArray(choices) || !choices.some((c) => c === value && typeof c !== 'object')) return false;
    // ajv refuses a schema whose enum repeats an item: let it say so.
    if (new Set(choices.map((c) => JSON.stringify(c))).size !== choices.length) return false;
  }
  if (type === 'string' && typeof value !== 'string') return false;
  if (type === 'boolean' && typeof value !== 'boolean') return false;
  if (type === 'integer' && !Number.isInteger(value)) return false;
  if (type === 'number' && !(typeof value === 'number' && Number.isFinite(value))) return false;
  if (type === 'array' && !Array.isArray(value)) return false;
  if (type === 'object' && !isObject(value)) return false;
  if (type !== undefined && !['string', 'integer', 'number', 'boolean', 'array', 'object'].includes(type as string)) return false;
  // String and number keywords: anything else is left to ajv, even where ajv would ignore the keyword.
  if (format !== undefined || pattern !== undefined) {
    if (typeof value !== 'string') return false;
    if (format !== undefined && !FORMATS[format as string]?.(value)) return false;
    if (pattern !== undefined && !regex(String(pattern))?.test(value)) return false;
  }
  if (minimum !== undefined || maximum !== undefined || exclusiveMinimum !== undefined) {
    if (typeof value !== 'number' || !Number.isFinite(value)) return false;
    if (minimum !== undefined && !(typeof minimum === 'number' && value >= minimum)) return false;
    if (maximum !== undefined && !(typeof maximum === 'number' && value <= maximum)) return false;
    if (exclusiveMinimum !== undefined && !(typeof exclusiveMinimum === 'number' && value > exclusiveMinimum)) return false;
  }
  if (items !== undefined) {
    if (!Array.isArray(value) || !isObject(items) || !value.every((v) => surelyValid(items, v))) return false;
  }
  if (properties !== undefined || required !== undefined || schema.additionalProperties !== undefined) {
    if (!isObject(value)) return false;
    const props = (properties ?? {}) as Record<string, unknown>;
    if (!isObject(props)) return false;
    if (required !== undefined && !(Array.isArray(required) && required.every((r) => Object.hasOwn(value, r)))) return false;
    if (schema.additionalProperties !== undefined && schema.additionalProperties !== false) return false;
    for (const [k, v] of Object.entries(value)) {
      const sub = props[k];
      if (sub === undefined) {
        if (schema.additionalProperties === false) return false;
        continue;
      }
      if (!isObject(sub) || !surelyValid(sub, v)) return false;
    }
  }
  return true;
}
