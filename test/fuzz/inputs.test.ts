/**
 * No crash on any input: generated inventories, playbooks, `-e` values and templates go through the
 * real loaders, templating and a run up to its connections (refused here, so nothing leaves this
 * machine). Every failure must be a typed provision error with exit 4 (a bad file) or 5 (bad usage),
 * never an uncaught exception. A fixed seed in `npm test`; `npm run fuzz` tries many more.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { cliVars } from '../../src/cli/extra-vars.ts';
import { ConnectError, ProvisionError } from '../../src/core/errors.ts';
import { loadInventory } from '../../src/inventory/load.ts';
import { loadOperations } from '../../src/ops/registry.ts';
import { loadPlaybook } from '../../src/playbook/load.ts';
import { RunEmitter } from '../../src/runner/events.ts';
import { runPlaybook } from '../../src/runner/run.ts';
import { renderString } from '../../src/vars/template.ts';

const ROOT = join(import.meta.dirname, '../..');
const RUNS = Number(process.env.FUZZ_RUNS ?? 60);
const SEED = Number(process.env.FUZZ_SEED ?? 20261201);
const dir = mkdtempSync(join(tmpdir(), 'pv-fuzz-'));
const INVENTORY = readFileSync(join(ROOT, 'inventory/multi-host.yml'), 'utf8');
const RECIPE = join(ROOT, 'playbooks/tomcat-cluster.yml');
const INI = readFileSync(join(ROOT, 'test/fixtures/inventory/ini/cluster.ini'), 'utf8');
const ENGINE = readFileSync(join(ROOT, 'test/fixtures/engine/site.yml'), 'utf8');
/** Inputs tried per property (the note's fuzz line reads this). */
export const tried: Record<string, number> = {};

afterAll(() => {
  if (process.env.FUZZ_REPORT) writeFileSync(process.env.FUZZ_REPORT, JSON.stringify({ seed: SEED, runs: RUNS, tried }, null, 2));
});

/** The contract: a typed error meant for the user (exit 4 or 5), or no error at all. */
function typed(err: unknown): void {
  if (err instanceof ProvisionError && (err.exitCode === 4 || err.exitCode === 5)) return;
  const what = err instanceof Error ? `${err.name} (exit ${(err as ProvisionError).exitCode}): ${err.stack}` : String(err);
  throw new Error(`not a typed input error: ${what}`);
}

const SPECIAL = [
  ':',
  '-',
  ' ',
  '\n',
  '\t',
  '[',
  ']',
  '{',
  '}',
  '#',
  '&',
  '*',
  '!',
  '|',
  '>',
  "'",
  '"',
  '%',
  '@',
  '`',
  '?',
  ',',
  '{{',
  '}}',
  '{%',
  '\0',
  'é',
  '\\',
];
/** A real file with a few random edits: inserted YAML/Jinja punctuation, deleted spans, a duplicated line. */
const mutated = (text: string) =>
  fc
    .array(
      fc.oneof(
        fc.record({ op: fc.constant('insert'), at: fc.nat(), what: fc.oneof(fc.constantFrom(...SPECIAL), fc.string({ maxLength: 4 })) }),
        fc.record({ op: fc.constant('delete'), at: fc.nat(), len: fc.integer({ min: 1, max: 12 }) }),
        fc.record({ op: fc.constant('dupline'), at: fc.nat() }),
      ),
      { minLength: 1, maxLength: 4 },
    )
    .map((edits) =>
      edits.reduce((t, e) => {
        const at = t.length ? e.at % t.length : 0;
        if (e.op === 'insert') return t.slice(0, at) + (e as { what: string }).what + t.slice(at);
        if (e.op === 'delete') return t.slice(0, at) + t.slice(at + (e as { len: number }).len);
        const lines = t.split('\n');
        const k = lines.length ? at % lines.length : 0;
        lines.splice(k, 0, lines[k] ?? '');
        return lines.join('\n');
      }, text),
    );

/** A YAML text: random, a random value dumped, or a real file mutated. */
const yamlText = (real: string) =>
  fc.oneof(
    fc.string({ maxLength: 200 }),
    fc.jsonValue({ maxDepth: 4 }).map((v) => stringify(v) ?? ''),
    fc.anything({ maxDepth: 3 }).map((v) => {
      try {
        return stringify(v) ?? '';
      } catch {
        return String(v);
      }
    }),
    mutated(real),
  );

/** Values a user may put in a variable: every JSON shape, templates, odd strings. */
const value = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.constantFrom(
    '{{ undefined_var }}',
    '{{ 1/0 }}',
    '{{ x | from_yaml }}',
    '{% if %}',
    '"; touch /tmp/x',
    '-1',
    '65536',
    '0',
    'static',
    '',
  ),
  fc.string({ maxLength: 30 }),
);
const RECIPE_VARS = [
  'tomcat_instances',
  'tomcat_ajp_secret',
  'cluster_membership',
  'cluster_mcast_address',
  'cluster_mcast_port',
  'apache_listen',
  'apache_home',
  'apache_layout',
  'balancer_name',
  'app_name',
  'tomcat_start_timeout',
  'cluster_address',
  'manage_services',
];

let n = 0;
const file = (name: string, text: string) => {
  const p = join(dir, `${n++}-${name}`);
  writeFileSync(p, text);
  return p;
};
const count = (k: string) => (tried[k] = (tried[k] ?? 0) + 1);

describe('no crash on any input (fast-check, fixed seed)', () => {
  it('inventories: loaded, or an InventoryError with exit 4', async () => {
    await fc.assert(
      fc.asyncProperty(yamlText(INVENTORY), async (text) => {
        count('inventory');
        await loadInventory(file('hosts.yml', text)).catch(typed);
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('INI inventories: loaded, or an InventoryError with exit 4', async () => {
    await fc.assert(
      fc.asyncProperty(yamlText(INI), async (text) => {
        count('ini-inventory');
        await loadInventory(file('hosts.ini', text)).catch(typed);
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('playbooks: loaded, or a PlaybookError with exit 4', async () => {
    const ops = await loadOperations();
    await fc.assert(
      fc.asyncProperty(yamlText(ENGINE), async (text) => {
        count('playbook');
        await loadPlaybook(file('site.yml', text), ops).catch(typed);
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('-e values: parsed, or a UsageError with exit 5', async () => {
    const arg = fc.oneof(
      fc.string({ maxLength: 40 }),
      fc.jsonValue().map((v) => JSON.stringify(v)),
      mutated('{"tomcat_instances": [{"home": "/opt/tomcat", "ports": {"http": 8080}}]}'),
      fc.string({ maxLength: 10 }).map((s) => `@${s}`),
      fc.tuple(fc.string({ maxLength: 10 }), fc.string({ maxLength: 10 })).map(([k, v]) => `${k}=${v}`),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(arg, { minLength: 1, maxLength: 3 }), async (extraVars) => {
        count('extra-vars');
        await cliVars({ extraVars, extraVarsFile: [], secretVarsFile: [] }).catch(typed);
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('templates: rendered, or a typed error', async () => {
    const piece = fc.oneof(
      fc.constantFrom('{{', '}}', '{%', '%}', '|', 'x', 'x.y', '(', ')', ' if ', ' else ', "'", '"', 'default(', 'from_yaml', 'int', '[0]'),
      fc.string({ maxLength: 5 }),
    );
    const vars = { x: { y: [1, 2] }, s: 'text', n: 3, lazy: '{{ s }}', loop: '{{ loop }}' };
    fc.assert(
      fc.property(
        fc.array(piece, { maxLength: 12 }).map((p) => p.join('')),
        (text) => {
          count('template');
          try {
            renderString(text, vars);
          } catch (err) {
            if (!(err instanceof ProvisionError))
              throw new Error(`untyped template error for ${JSON.stringify(text)}: ${(err as Error).stack}`);
          }
        },
      ),
      { seed: SEED, numRuns: RUNS * 4 },
    );
  });

  it('the recipe with any variable values: checked before any connection, never a crash', async () => {
    const ops = await loadOperations();
    const refused = async () => {
      throw new ConnectError('connection refused (fuzz: nothing leaves this machine)');
    };
    await fc.assert(
      fc.asyncProperty(
        fc.dictionary(fc.constantFrom(...RECIPE_VARS), value, { maxKeys: 4 }),
        fc.dictionary(fc.constantFrom(...RECIPE_VARS), value, { maxKeys: 2 }),
        async (hostVars, extraVars) => {
          count('recipe-run');
          const inv = {
            all: {
              vars: { tomcat_ajp_secret: 'fuzz-secret', ...hostVars },
              hosts: { web1: { ansible_host: '127.0.0.9' } },
              children: { apache: { hosts: { web1: null } }, tomcat: { hosts: { web1: null } } },
            },
          };
          const summary = await runPlaybook({
            inventory: file('inv.yml', stringify(inv)),
            playbook: RECIPE,
            ops,
            emitter: new RunEmitter(),
            extraVars,
            open: refused,
          }).catch((err: unknown) => (typed(err), undefined));
          if (summary) expect(summary.exitCode).toBe(3); // the only way on: every host unreachable, nothing changed
        },
      ),
      { seed: SEED, numRuns: RUNS },
    );
  });
});
