/**
 * The quick check in front of ajv (src/playbook/schema-fit.ts) never accepts a value ajv would
 * refuse: random specs of the vars_spec language against random values, judged by ajv itself with
 * the options checkVar uses. And on the recipe's own specs and values it does accept, so a run
 * skips compiling them.
 */
import { Ajv } from 'ajv';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadOperations } from '../../src/ops/registry.ts';
import { loadPlaybook } from '../../src/playbook/load.ts';
import { FORMATS, surelyValid } from '../../src/playbook/schema-fit.ts';
import { checkVar, schemaOf, VAR_FORMATS, VAR_TYPES, type VarSpec } from '../../src/playbook/vars-spec.ts';
import { RECIPE } from '../../bench/lib/scenarios.ts';

const ajv = new Ajv({ allErrors: true, strict: false, coerceTypes: true, verbose: true });
for (const [name, check] of Object.entries(FORMATS)) ajv.addFormat(name, check);
/** How src/playbook/validate.ts checks operation arguments: no coercion. */
const ajvOps = new Ajv({ allErrors: true, strict: false, useDefaults: false });
/** ajv's own verdict (on a copy: coerceTypes rewrites values). */
const ajvAccepts = (spec: VarSpec, value: unknown) => ajv.compile(schemaOf(spec))(structuredClone(value));

const KEYS = ['home', 'port', 'name', 'x'];
const scalar = fc.oneof(
  fc.constantFrom('10.0.0.1', '228.0.0.4', '010.0.0.1', '/opt/tomcat', 'opt/x', 'abc', '123', '8080', 'true', 'yes', '', '{{ x }}'),
  fc.constantFrom(true, false, null, 0, 1, 80, 65535, 65536, -1, 1.5),
  fc.integer({ min: -10, max: 70000 }),
  fc.double({ noNaN: false }),
  fc.string({ maxLength: 4 }),
);
const value: fc.Arbitrary<unknown> = fc.letrec<{ v: unknown }>((tie) => ({
  v: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    scalar,
    fc.array(tie('v'), { maxLength: 3 }),
    fc.dictionary(fc.constantFrom(...KEYS), tie('v'), { maxKeys: 3 }),
  ),
})).v;

/** At most one constraint besides the type (several at once rarely leave a value that fits). */
const constraint: fc.Arbitrary<Partial<VarSpec>> = fc.oneof(
  fc.constant({}),
  fc.record({ choices: fc.array(scalar, { minLength: 1, maxLength: 3 }) }),
  fc.record({ pattern: fc.constantFrom('^[a-z]+$', '^\\d+$', '^/[A-Za-z0-9._/-]*$', '.') }),
  fc.record({ format: fc.constantFrom(...VAR_FORMATS) }),
  fc.record({ min: fc.integer({ min: -5, max: 100 }) }),
  fc.record({ max: fc.integer({ min: 0, max: 70000 }) }),
  fc.record({ exclusive_min: fc.constantFrom(0, 1) }),
);
const spec: fc.Arbitrary<VarSpec> = fc.letrec<{ s: VarSpec }>((tie) => ({
  s: fc
    .tuple(
      fc.record(
        {
          type: fc.constantFrom(...VAR_TYPES),
          elements: fc.constantFrom(...VAR_TYPES),
          options: fc.dictionary(fc.constantFrom(...KEYS), tie('s'), { minKeys: 1, maxKeys: 3, depthIdentifier: 'spec' }),
          required: fc.boolean(),
        },
        { requiredKeys: [] },
      ),
      constraint,
    )
    .map(([base, extra]) => ({ ...base, ...extra })),
})).s;

/** A value shaped after a spec (often fitting it, sometimes not): many cases reach the yes branch. */
function valueFor(s: VarSpec, depth = 0): fc.Arbitrary<unknown> {
  if (s.choices && s.choices.length) return fc.oneof(fc.constantFrom(...s.choices), scalar);
  const t = s.type ?? 'raw';
  if (t === 'list' && depth < 3) {
    const el: VarSpec = s.options ? { type: 'dict', options: s.options } : { type: s.elements ?? 'raw' };
    return fc.array(valueFor(el, depth + 1), { maxLength: 3 });
  }
  if (t === 'dict' && s.options && depth < 3) {
    const shape = Object.fromEntries(Object.entries(s.options).map(([k, o]) => [k, valueFor(o, depth + 1)]));
    return fc.record(shape, { requiredKeys: [] });
  }
  if (t === 'dict') return fc.dictionary(fc.constantFrom(...KEYS), scalar, { maxKeys: 2 });
  return scalar;
}

type Schema = Record<string, unknown>;
/** Schemas with the keywords the operations' argument schemas use. */
const opSchema: fc.Arbitrary<Schema> = fc.letrec<{ s: Schema }>((tie) => ({
  s: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.record(
      { type: fc.constant('string'), minLength: fc.constantFrom(1, 2, 3), pattern: fc.constantFrom('^/', '^[^/]+\\.war$', '.') },
      { requiredKeys: ['type'] },
    ),
    fc.record(
      { type: fc.constant('integer'), minimum: fc.constantFrom(-1, 1), maximum: fc.constantFrom(80, 65535) },
      { requiredKeys: ['type'] },
    ),
    fc.record({ type: fc.constant('boolean'), description: fc.constant('a flag') }, { requiredKeys: ['type'] }),
    fc.record({ enum: fc.uniqueArray(fc.constantFrom('present', 'absent', 1, true), { minLength: 1, maxLength: 3 }) }),
    fc.record({ const: fc.constantFrom('ROOT.war', 8080, false) }),
    fc.record({ type: fc.constant('array'), items: tie('s'), minItems: fc.constantFrom(0, 1, 2) }, { requiredKeys: ['type'] }),
    fc.record(
      {
        type: fc.constant('object'),
        properties: fc.dictionary(fc.constantFrom(...KEYS), tie('s'), { maxKeys: 3 }),
        required: fc.subarray(KEYS, { maxLength: 2 }),
        additionalProperties: fc.constant(false),
        writeOnly: fc.constant(true),
      },
      { requiredKeys: ['type'] },
    ),
    fc.record({ anyOf: fc.array(tie('s'), { minLength: 1, maxLength: 3 }) }),
  ),
})).s;

/** A value shaped after an operation schema (often fitting it). */
function valueForSchema(s: Schema, depth = 0): fc.Arbitrary<unknown> {
  if (depth > 3) return scalar;
  if (Array.isArray(s.enum)) return fc.oneof(fc.constantFrom(...(s.enum as unknown[])), scalar);
  if (s.const !== undefined) return fc.oneof(fc.constant(s.const), scalar);
  if (Array.isArray(s.anyOf)) return fc.oneof(...(s.anyOf as Schema[]).map((b) => valueForSchema(b, depth + 1)));
  if (s.type === 'array') return fc.array(valueForSchema((s.items ?? {}) as Schema, depth + 1), { maxLength: 3 });
  if (s.type === 'object') {
    const props = (s.properties ?? {}) as Record<string, Schema>;
    return fc.record(Object.fromEntries(Object.entries(props).map(([k, p]) => [k, valueForSchema(p, depth + 1)])), { requiredKeys: [] });
  }
  if (s.type === 'boolean') return fc.oneof(fc.boolean(), scalar);
  return scalar;
}

describe('surelyValid', () => {
  it('never says yes where ajv says no (random specs and values)', () => {
    let yes = 0;
    fc.assert(
      fc.property(spec, value, (s, v) => {
        if (!surelyValid(schemaOf(s), v)) return true;
        yes++;
        return ajvAccepts(s, v);
      }),
      { numRuns: 1000, seed: 15 },
    );
    expect(yes).toBeGreaterThan(0);
  });

  it('never says yes where ajv says no (values shaped after their spec)', () => {
    let yes = 0;
    fc.assert(
      fc.property(
        spec.chain((s) => fc.tuple(fc.constant(s), valueFor(s))),
        ([s, v]) => {
          if (!surelyValid(schemaOf(s), v)) return true;
          yes++;
          return ajvAccepts(s, v);
        },
      ),
      { numRuns: 1000, seed: 15 },
    );
    // Not vacuous: many values are judged without ajv.
    expect(yes).toBeGreaterThan(100);
  });

  it('never says yes where ajv (as for operation arguments: no coercion) says no', () => {
    let yes = 0;
    fc.assert(
      fc.property(
        opSchema.chain((s) => fc.tuple(fc.constant(s), valueForSchema(s))),
        ([s, v]) => {
          if (!surelyValid(s, v)) return true;
          yes++;
          return ajvOps.compile(s)(v);
        },
      ),
      { numRuns: 1000, seed: 15 },
    );
    expect(yes).toBeGreaterThan(100);
  });

  it('says yes for every value of the recipe that fits its vars_spec, so none is compiled', async () => {
    const pb = await loadPlaybook(RECIPE, await loadOperations());
    const values: Record<string, unknown> = {
      tomcat_instances: [
        { home: '/opt/tomcat', jvmRoute: 'tomcat1', ports: { shutdown: 8005, http: 8080, redirect: 8443, ajp: 8009 }, receiverPort: 4000 },
      ],
      tomcat_ajp_secret: 'S3cret-value_1',
      cluster_mcast_address: '228.0.0.4',
      cluster_mcast_port: 45564,
      manage_services: true,
    };
    const specs = pb.plays.flatMap((p) => Object.entries(p.varsSpec)).filter(([name]) => name in values);
    expect([...new Set(specs.map(([n]) => n))].sort()).toEqual(Object.keys(values).sort());
    for (const [name, s] of specs) {
      expect(checkVar(name, s, values[name]), name).toEqual([]);
      expect(surelyValid(schemaOf(s), values[name]), name).toBe(true);
    }
  });
});
