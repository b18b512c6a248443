/** The operations' kit: secrets found from the schema's marks, the one write builder, text readers. */
import { describe, expect, it } from 'vitest';
import { OperationError } from '../../src/core/errors.ts';
import { httpdBalancerOp } from '../../src/ops/httpd/balancer.ts';
import { currentText, requiredText, secretsOf, writeText } from '../../src/ops/kit.ts';
import { tomcatInstance } from '../../src/ops/tomcat/instance.ts';
import { taskMasker } from '../../src/runner/task-run.ts';
import { fileFact } from './tomcat/facts.ts';

describe('secret arguments', () => {
  it('are found where the schema marks them: nested objects and list items', () => {
    expect(secretsOf(tomcatInstance.schema, { source: '/opt/tomcat', ajp: { secret: 'S3cr3t', port: 8009 } })).toEqual(['S3cr3t']);
    const members = [
      { host: 'a', port: 1, route: 'r1', secret: 'one-secret' },
      { host: 'b', port: 2, route: 'r2' },
      { host: 'c', port: 3, route: 'r3', secret: 'two-secret' },
    ];
    expect(secretsOf(httpdBalancerOp.schema, { name: 'app', members })).toEqual(['one-secret', 'two-secret']);
    expect(secretsOf(tomcatInstance.schema, { source: '/opt/tomcat' })).toEqual([]);
  });

  it('the runner masks them before the run secrets, in everything a task shows', () => {
    const m = taskMasker(tomcatInstance, { source: '/x', ajp: { secret: 'S3cr3t' } }, (s) => s.replaceAll('runpw', '********'));
    expect(m('secret="S3cr3t" pw=runpw')).toBe('secret="********" pw=********');
    const none = (s: string) => s;
    expect(taskMasker(tomcatInstance, { source: '/x' }, none)).toBe(none);
  });
});

describe('writeText', () => {
  it('nothing when the text is unchanged', () => {
    expect(writeText('/a', 'x\n', 'x\n', undefined, 'write /a')).toEqual([]);
  });

  it('a write keeping the mode and owner the fact reports, with its diff and validator', () => {
    const [c] = writeText('/a', 'x\n', 'y\n', fileFact('/a', 'x\n', 0o640), 'write /a', 'check %s');
    expect(c).toEqual({
      kind: 'write',
      summary: 'write /a',
      path: '/a',
      content: Buffer.from('y\n'),
      mode: 0o640,
      owner: 'tomcat',
      group: 'tomcat',
      diff: { path: '/a', before: 'x\n', after: 'y\n' },
      validate: 'check %s',
    });
  });
});

describe('text readers', () => {
  it('currentText: null when absent, the text when read, an error for a directory', () => {
    expect(currentText(fileFact('/a', null), '/a')).toBeNull();
    expect(currentText(fileFact('/a', 'hi'), '/a')).toBe('hi');
    expect(() => currentText(fileFact('/d', undefined, 0o755, 'directory'), '/d')).toThrow(OperationError);
  });

  it("requiredText: the text, or the caller's message and hint", () => {
    expect(requiredText(fileFact('/a', 'hi'), 'm', 'h')).toBe('hi');
    expect(() => requiredText(fileFact('/a', null), '/a is missing', 'make it')).toThrow('/a is missing');
  });
});
