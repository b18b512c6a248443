import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { fact } from '../../../src/facts/types.ts';
import { templateOp } from '../../../src/ops/generic/template.ts';
import { absentFact, afterWrite, ctxWith, fileFact, planOp, schemaErrors } from './helpers.ts';

const FIX = fileURLToPath(new URL('../../fixtures/generic/', import.meta.url));
const D = '/etc/app.conf';
const vars = { server_name: 'web1.example', port: 8080, backends: ['a:8009', 'b:8010'] };

describe('template', () => {
  it('renders with the host vars and writes the result', async () => {
    const plan = await planOp(templateOp, { src: 'app.conf.j2', dest: D }, [[fact.file(D, true), absentFact(D)]], ctxWith(vars, FIX));
    expect(plan.changes[0]).toMatchObject({ kind: 'write', path: D });
    const c = plan.changes[0]!;
    expect(c.kind === 'write' && c.content.toString()).toBe('server web1.example\nport 8080\nbackend a:8009\nbackend b:8010\n');
  });

  it('is idempotent: the rendered content as the new fact plans nothing', async () => {
    const old = fileFact(D, 'server old\n');
    const first = await planOp(templateOp, { src: 'app.conf.j2', dest: D, mode: '0640' }, [[fact.file(D, true), old]], ctxWith(vars, FIX));
    expect(first.changes[0]).toMatchObject({ kind: 'write', mode: 0o640, diff: { before: 'server old\n' } });
    const again = await planOp(
      templateOp,
      { src: 'app.conf.j2', dest: D, mode: '0640' },
      [[fact.file(D, true), afterWrite(old, first.changes[0]!)]],
      ctxWith(vars, FIX),
    );
    expect(again.changes).toEqual([]);
    expect(again.okMessage).toMatch(/^\/etc\/app.conf already has sha256 [0-9a-f]{12}…, mode 0640$/);
  });

  it('names the template, line and undefined variable, with a hint', async () => {
    const run = planOp(templateOp, { src: 'missing-var.j2', dest: D }, [[fact.file(D, true), absentFact(D)]], ctxWith({ db: {} }, FIX));
    await expect(run).rejects.toMatchObject({
      name: 'OperationError',
      message: 'template missing-var.j2 line 2: db.host is undefined',
      hint: expect.stringContaining("{{ db.host | default('…') }}"),
    });
  });

  it('reports a syntax error with the template name', async () => {
    const run = planOp(templateOp, { src: 'bad-syntax.j2', dest: D }, [[fact.file(D, true), absentFact(D)]], ctxWith({}, FIX));
    await expect(run).rejects.toMatchObject({ message: expect.stringContaining('template bad-syntax.j2 cannot be rendered') });
  });

  it('schema needs src and dest', () => {
    expect(schemaErrors(templateOp, { src: 'a.j2' })).toEqual([expect.stringContaining("required property 'dest'")]);
    expect(schemaErrors(templateOp, { src: 'a.j2', dest: D, content: 'x' })).not.toBeNull();
  });
});
