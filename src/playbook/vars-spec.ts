/**
 * A play's `vars_spec:` (a provision extension, after Ansible's role `argument_specs`): the type and
 * allowed form of the variables it reads, declared once. Each spec compiles to a JSON schema that ajv
 * checks on every host before planning; problems come back as plain sentences for the runner to place.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { closest } from '../inventory/suggest.ts';
import { FORMATS, surelyValid } from './schema-fit.ts';

/** What a variable may hold. `path`: an absolute path; `port`: an integer from 1 to 65535; `raw`: anything. */
export const VAR_TYPES = ['str', 'int', 'float', 'bool', 'list', 'dict', 'path', 'port', 'raw'] as const;
export type VarType = (typeof VAR_TYPES)[number];
/** Named string formats. */
export const VAR_FORMATS = ['ipv4', 'ipv4_multicast'] as const;

/** One variable's (or one option's) declaration. */
export interface VarSpec {
  type?: VarType;
  /** The value must be one of these (an unknown one gets the nearest as "did you mean"). */
  choices?: unknown[];
  /** A regular expression the whole string must match. */
  pattern?: string;
  format?: (typeof VAR_FORMATS)[number];
  /** Inclusive bounds for numbers. */
  min?: number;
  max?: number;
  /** The number must be greater than this (`exclusive_min: 0`: positive). */
  exclusive_min?: number;
  /** Type of a list's entries; with `options`, entries are mappings with those keys. */
  elements?: VarType;
  /** Keys of a dict (or of each dict entry of a list); others are refused. */
  options?: Record<string, VarSpec>;
  /** Within `options`: the key must be present. */
  required?: boolean;
  /** Never show the value in a message (Ansible's no_log). */
  no_log?: boolean;
  /** The allowed form in words, for messages ("letters, digits and - _ . ~ + / ="). */
  form?: string;
  description?: string;
}

export const SPEC_KEYS = [
  'type',
  'choices',
  'pattern',
  'format',
  'min',
  'max',
  'exclusive_min',
  'elements',
  'options',
  'required',
  'no_log',
  'form',
  'description',
];

const FORMS: Record<string, string> = {
  str: 'a string',
  int: 'a whole number',
  float: 'a number',
  bool: 'true or false',
  list: 'a list',
  dict: 'a mapping',
  path: 'an absolute path (starting with /)',
  port: 'a port number, a whole number from 1 to 65535',
  raw: 'any value',
  ipv4: 'an IPv4 address such as 10.0.0.1',
  ipv4_multicast: 'an IPv4 multicast address, 224.0.0.0 to 239.255.255.255, such as 228.0.0.4',
};

// No codegen optimisation passes: compiling costs more than validating a few variables ever does.
// Made on first use: most values plainly fit (schema-fit.ts) and need no validator.
let ajvOnce: Ajv | undefined;
function ajv(): Ajv {
  if (!ajvOnce) {
    ajvOnce = new Ajv({ allErrors: true, strict: false, coerceTypes: true, verbose: true, code: { optimize: false } });
    for (const [name, check] of Object.entries(FORMATS)) ajvOnce.addFormat(name, check);
  }
  return ajvOnce;
}

const BOOLS = [true, false, 'true', 'false', 'True', 'False', 'yes', 'no', 'on', 'off'];

/** The allowed form of a spec in words. */
export function formOf(s: VarSpec): string {
  if (s.form) return s.form;
  if (s.choices) return `one of ${s.choices.map(String).join(', ')}`;
  if (s.format) return FORMS[s.format]!;
  const base = FORMS[s.type ?? 'raw']!;
  if (s.exclusive_min === 0 && s.max === undefined) return `${base} greater than 0`;
  if (s.min !== undefined && s.max !== undefined) return `${base} from ${s.min} to ${s.max}`;
  if (s.min !== undefined) return `${base} of at least ${s.min}`;
  return base;
}

/** The JSON schema of a spec; `description` carries the allowed form for messages. */
export function schemaOf(s: VarSpec): Record<string, unknown> {
  const t = s.type ?? 'raw';
  const out: Record<string, unknown> = { description: formOf(s) };
  if (t === 'bool') return { ...out, enum: BOOLS };
  if (t === 'str' || t === 'path') out.type = 'string';
  if (t === 'path') out.format = 'absolute-path';
  if (t === 'int' || t === 'port') out.type = 'integer';
  if (t === 'port') Object.assign(out, { minimum: 1, maximum: 65535 });
  if (t === 'float') out.type = 'number';
  if (t === 'list') {
    out.type = 'array';
    const el = s.elements ?? (s.options ? 'dict' : 'raw');
    out.items = schemaOf(el === 'dict' ? { type: 'dict', ...(s.options ? { options: s.options } : {}) } : { type: el });
  }
  if (t === 'dict') {
    out.type = 'object';
    if (s.options) {
      out.properties = Object.fromEntries(Object.entries(s.options).map(([k, o]) => [k, schemaOf(o)]));
      out.required = Object.entries(s.options)
        .filter(([, o]) => o.required)
        .map(([k]) => k);
      out.additionalProperties = false;
    }
  }
  if (s.choices) out.enum = s.choices;
  if (s.pattern) out.pattern = s.pattern;
  if (s.format) out.format = s.format;
  if (s.min !== undefined) out.minimum = s.min;
  if (s.max !== undefined) out.maximum = s.max;
  if (s.exclusive_min !== undefined) out.exclusiveMinimum = s.exclusive_min;
  return out;
}

/** Checks of a spec's own shape at load time: the first problem as a sentence, or undefined. */
export function specProblem(name: string, s: unknown): string | undefined {
  if (!s || typeof s !== 'object' || Array.isArray(s)) return `the spec of \`${name}\` must be a mapping such as \`{ type: str }\``;
  const spec = s as Record<string, unknown>;
  for (const k of Object.keys(spec)) {
    if (!SPEC_KEYS.includes(k)) {
      const g = closest(k, SPEC_KEYS);
      return `unknown key \`${k}\` in the spec of \`${name}\`${g ? ` (did you mean \`${g}\`?)` : ''}; a spec has ${SPEC_KEYS.join(', ')}`;
    }
  }
  for (const k of ['type', 'elements'] as const) {
    const v = spec[k];
    if (v !== undefined && !VAR_TYPES.includes(v as VarType)) {
      const g = closest(String(v), VAR_TYPES);
      return `\`${k}: ${String(v)}\` of \`${name}\` is not a type${g ? ` (did you mean \`${g}\`?)` : ''}; types: ${VAR_TYPES.join(', ')}`;
    }
  }
  if (spec.format !== undefined && !VAR_FORMATS.includes(spec.format as never))
    return `\`format: ${String(spec.format)}\` of \`${name}\` is not known; formats: ${VAR_FORMATS.join(', ')}`;
  if (spec.choices !== undefined && !Array.isArray(spec.choices)) return `\`choices\` of \`${name}\` must be a list`;
  if (spec.pattern !== undefined) {
    try {
      new RegExp(String(spec.pattern), 'u');
    } catch (e) {
      return `\`pattern\` of \`${name}\` is not a regular expression: ${(e as Error).message}`;
    }
  }
  for (const k of ['min', 'max', 'exclusive_min'] as const)
    if (spec[k] !== undefined && typeof spec[k] !== 'number') return `\`${k}\` of \`${name}\` must be a number`;
  if (spec.options !== undefined) {
    if (!spec.options || typeof spec.options !== 'object' || Array.isArray(spec.options))
      return `\`options\` of \`${name}\` must be a mapping`;
    for (const [k, o] of Object.entries(spec.options)) {
      const p = specProblem(`${name}.${k}`, o);
      if (p) return p;
    }
  }
  return undefined;
}

const compiled = new WeakMap<VarSpec, ValidateFunction>();
const schemas = new WeakMap<VarSpec, Record<string, unknown>>();

/** `tomcat_instances[1].ports.ajp` from a variable name and ajv's instance path. */
const pathOf = (name: string, instancePath: string) =>
  name +
  instancePath
    .split('/')
    .slice(1)
    .map((p) => (/^\d+$/.test(p) ? `[${p}]` : `.${p.replace(/~1/g, '/').replace(/~0/g, '~')}`))
    .join('');

const show = (v: unknown) => {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
};

/** Whether a value still holds a template (rendered only where it is used: not checkable here). */
const templated = (v: unknown) => typeof v === 'string' && (v.includes('{{') || v.includes('{%'));

/** One problem with a variable's value: which part, what is wrong, and a suggestion. */
export interface VarProblem {
  path: string;
  message: string;
  hint?: string;
}

function describe(name: string, e: ErrorObject, secret: boolean): VarProblem | undefined {
  const path = pathOf(name, e.instancePath);
  const schema = (e.parentSchema ?? {}) as { description?: string; properties?: object; enum?: unknown[] };
  const is = secret ? '' : ` is ${show(e.data)}:`;
  if (e.keyword === 'required')
    return { path, message: `\`${path}\` needs \`${(e.params as { missingProperty: string }).missingProperty}\`` };
  if (e.keyword === 'additionalProperties') {
    const extra = (e.params as { additionalProperty: string }).additionalProperty;
    const known = Object.keys(schema.properties ?? {});
    const guess = closest(extra, known);
    return {
      path,
      message: `\`${path}\` has an unknown key \`${extra}\`; it takes ${known.join(', ')}`,
      ...(guess ? { hint: `did you mean \`${guess}\`?` } : {}),
    };
  }
  if (templated(e.data)) return undefined;
  const guess = e.keyword === 'enum' && !secret ? closest(String(e.data), (schema.enum ?? []).map(String)) : undefined;
  return {
    path,
    message: `\`${path}\`${is || ' is not allowed:'} must be ${schema.description ?? e.message}`,
    ...(guess ? { hint: `did you mean ${guess}?` } : {}),
  };
}

/** The problems with one variable's value (none: it fits its spec). The value is not changed. */
export function checkVar(name: string, spec: VarSpec, value: unknown): VarProblem[] {
  let schema = schemas.get(spec);
  if (!schema) schemas.set(spec, (schema = schemaOf(spec)));
  // Most values plainly fit: then no validator is compiled at all (see schema-fit.ts).
  if (surelyValid(schema, value)) return [];
  let v = compiled.get(spec);
  if (!v) {
    v = ajv().compile(schema);
    compiled.set(spec, v);
  }
  // coerceTypes would rewrite the value ("8080" → 8080, as Ansible's int accepts): check a copy.
  if (v(structuredClone(value))) return [];
  const out: VarProblem[] = [];
  for (const e of v.errors ?? []) {
    const p = describe(name, e, !!spec.no_log);
    if (p && !out.some((o) => o.path === p.path)) out.push(p);
  }
  return out;
}
