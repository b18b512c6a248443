/** Golden files under test/fixtures/httpd/. `UPDATE_GOLDEN=1` rewrites them; review the git diff. */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';

export const FIXTURES = fileURLToPath(new URL('../../fixtures/httpd/', import.meta.url));
export const LAB_CONF = fileURLToPath(new URL('../../../src/lab/assets/apache2/conf/', import.meta.url));

export function expectGolden(name: string, actual: string): void {
  const file = FIXTURES + name;
  if (process.env.UPDATE_GOLDEN === '1') {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, actual);
  }
  if (!existsSync(file)) throw new Error(`golden file ${file} is missing; run with UPDATE_GOLDEN=1 and review it`);
  expect(actual).toBe(readFileSync(file, 'utf8'));
}
