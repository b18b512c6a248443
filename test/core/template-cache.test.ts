/**
 * The compiled-template cache across runs: each run is its own process (the cache is written when
 * it exits), with XDG_CACHE_HOME pointing at a temp dir. A cached template is really used by the
 * next run, a changed template text never gets another text's code, and a template that does not
 * compile fails the same way every time and is never kept.
 */
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';

const cache = mkdtempSync(join(tmpdir(), 'pv-tpl-cache-'));
afterAll(() => rmSync(cache, { recursive: true, force: true }));
const file = join(cache, 'provision', 'templates.json');
const TEMPLATE = new URL('../../src/vars/template.ts', import.meta.url).pathname;

/** One run: render `text` with a=1 in a fresh process; its output or its error. */
async function run(text: string): Promise<string> {
  const render = `console.log(String(m.renderString(${JSON.stringify(text)}, { a: 1 })))`;
  const code = `import(${JSON.stringify(TEMPLATE)}).then((m) => { try { ${render}; } catch (e) { console.log('ERROR ' + e.message); } })`;
  const r = await execa('node', ['--import', 'tsx/esm', '-e', code], { env: { XDG_CACHE_HOME: cache }, reject: false });
  expect(r.stderr).toBe('');
  return r.stdout.trim();
}

const entries = () => (JSON.parse(readFileSync(file, 'utf8')) as { code: Record<string, string> }).code;

describe('compiled templates kept across runs', () => {
  it('the next run renders from the kept code; another text never gets it', async () => {
    expect(await run('n={{ a + 1 }}')).toBe('n=2');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(join(cache, 'provision')).mode & 0o777).toBe(0o700);
    const kept = entries();
    expect(Object.keys(kept)).toHaveLength(1);
    // Tamper with the kept code: the next run shows it was used.
    const [key, code] = Object.entries(kept)[0]!;
    writeFileSync(file, JSON.stringify({ ...JSON.parse(readFileSync(file, 'utf8')), code: { [key]: code.replace('"n="', '"kept="') } }));
    expect(await run('n={{ a + 1 }}')).toBe('kept=2');
    // One character more is another template: compiled afresh, kept beside the first.
    expect(await run('n={{ a + 1 }} ')).toBe('n=2');
    expect(Object.keys(entries())).toHaveLength(2);
  });

  it('a template that does not compile fails alike every run and is not kept', async () => {
    const before = Object.keys(entries()).length;
    const first = await run('{{ a + }}');
    expect(first).toMatch(/^ERROR /);
    expect(await run('{{ a + }}')).toBe(first);
    expect(Object.keys(entries())).toHaveLength(before);
  });
});
