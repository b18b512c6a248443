/** `replace` as Ansible's module: MULTILINE regexp, `\1` groups, the section between after/before, no change when nothing matches. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fact } from '../../../src/facts/types.ts';
import { replaceOp, replaceText } from '../../../src/ops/generic/replace.ts';
import { absentFact, fileFact, planOp, schemaErrors } from './helpers.ts';

const VHOSTS = readFileSync(new URL('../../../src/lab/assets/apache2/conf/extra/httpd-vhosts.conf', import.meta.url), 'utf8');
const PATH = '/usr/local/apache2/conf/extra/httpd-vhosts.conf';
// bench/ansible/tomcat-cluster.yml's task, on the shipped file with the balancer block after it.
const args = {
  path: PATH,
  regexp: '^(<VirtualHost \\*:80>|</VirtualHost>|\\s+\\S+ .*dummy-host.*)$',
  replace: '#\\1',
  before: '# BEGIN provision balancer',
};
const withBlock = `${VHOSTS}# BEGIN provision balancer tomcats\n<VirtualHost *:80>\n</VirtualHost>\n# END provision balancer tomcats\n`;

describe('replace', () => {
  it('comments out the example vhosts before the marker, and leaves the block after it', () => {
    const r = replaceText(withBlock, args);
    expect(r.n).toBeGreaterThan(4);
    const [head, tail] = r.text.split('# BEGIN provision balancer');
    expect(head).not.toMatch(/^<VirtualHost \*:80>$/m);
    expect(head).toMatch(/^#<VirtualHost \*:80>$/m);
    expect(head).toMatch(/^#\s+ServerName dummy-host.example.com$/m);
    expect(tail).toBe(' tomcats\n<VirtualHost *:80>\n</VirtualHost>\n# END provision balancer tomcats\n');
  });

  it('a second pass finds nothing: ok with the reason', async () => {
    const once = replaceText(withBlock, args).text;
    const plan = await planOp(replaceOp, args, [[fact.file(PATH, true), fileFact(PATH, once)]]);
    expect(plan.changes).toEqual([]);
    expect(plan.okMessage).toContain('no match');
  });

  it('plans one write with a diff when something matches', async () => {
    const plan = await planOp(replaceOp, args, [[fact.file(PATH, true), fileFact(PATH, withBlock)]]);
    expect(plan.changes).toHaveLength(1);
    expect(plan.changes[0]).toMatchObject({ kind: 'write', path: PATH });
  });

  it('after and before bound the section; a section marker that is missing changes nothing', () => {
    const text = 'a=1\n[x]\na=1\n[y]\na=1\n';
    expect(replaceText(text, { regexp: '^a=1$', replace: 'a=2', after: '\\[x\\]', before: '\\[y\\]' }).text).toBe(
      'a=1\n[x]\na=2\n[y]\na=1\n',
    );
    expect(replaceText(text, { regexp: '^a=1$', replace: 'a=2', after: '\\[x\\]' }).text).toBe('a=1\n[x]\na=2\n[y]\na=2\n');
    expect(replaceText(text, { regexp: '^a=1$', replace: 'a=2', before: '\\[nope\\]' }).n).toBe(0);
    expect(replaceText('k: v\n', { regexp: '(?P<k>\\w+): (\\w+)', replace: '\\g<k>=\\2' }).text).toBe('k=v\n');
  });

  it('a missing file fails with a hint; the schema needs path and regexp', async () => {
    await expect(planOp(replaceOp, args, [[fact.file(PATH, true), absentFact(PATH)]])).rejects.toThrow(/does not exist/);
    expect(schemaErrors(replaceOp, { path: PATH })).not.toBeNull();
    expect(schemaErrors(replaceOp, { path: 'rel', regexp: 'x' })).not.toBeNull();
  });
});
