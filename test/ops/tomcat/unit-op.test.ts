import { describe, expect, it } from 'vitest';
import type { Change } from '../../../src/core/change.ts';
import { OperationError } from '../../../src/core/errors.ts';
import { tomcatUnit } from '../../../src/ops/tomcat/unit.ts';
import { tomcatUnit as labTomcatUnit } from '../../../src/lab/template-rhel.ts';
import { ctx, MapFacts } from './facts.ts';

const CTX = ctx();

const SOURCE = labTomcatUnit('/opt/tomcat');
const written = (changes: Change[]): string => changes.flatMap((c) => (c.kind === 'write' ? [c.content.toString('utf8')] : [])).join('');

describe('tomcat_unit', () => {
  it("a new instance gets its own unit from its source's: paths under the source home moved, daemon-reload after", async () => {
    const facts = new MapFacts({ '/etc/systemd/system/tomcat2.service': null, '/etc/systemd/system/tomcat.service': SOURCE });
    const args = { name: 'tomcat2', home: '/opt/tomcat2', source_unit: 'tomcat', source_home: '/opt/tomcat' };
    const plan = await tomcatUnit.plan(args, facts, CTX);
    const text = written(plan.changes);
    expect(text).toContain('Environment=CATALINA_BASE=/opt/tomcat2\n');
    expect(text).toContain('Environment=CATALINA_PID=/opt/tomcat2/temp/tomcat.pid\n');
    expect(text).toContain('Environment=CATALINA_HOME=/opt/tomcat2\n');
    expect(text).toContain('ExecStart=/opt/tomcat2/bin/startup.sh\n');
    expect(text).not.toMatch(/\/opt\/tomcat(?![0-9])/);
    // Undone newest first: the file comes back, then systemd reloads it.
    expect(plan.changes.map((c) => (c.kind === 'systemd-reload' ? `reload on ${c.when}` : c.kind))).toEqual([
      'reload on rollback',
      'write',
      'reload on apply',
    ]);
  });

  it('an existing unit that already runs its instance: no change, so no daemon-reload', async () => {
    const facts = new MapFacts({ '/etc/systemd/system/tomcat.service': SOURCE });
    const plan = await tomcatUnit.plan({ name: 'tomcat', home: '/opt/tomcat', source_unit: '' }, facts, CTX);
    expect(plan.changes).toEqual([]);
  });

  it('an existing unit with a wrong CATALINA_BASE (quoted) is corrected in place, the rest kept', async () => {
    const unit = SOURCE.replace('Environment=CATALINA_BASE=/opt/tomcat', 'Environment="CATALINA_BASE=/srv/old"');
    const facts = new MapFacts({ '/etc/systemd/system/tomcat.service': unit });
    const plan = await tomcatUnit.plan({ name: 'tomcat.service', home: '/opt/tomcat' }, facts, CTX);
    expect(written(plan.changes)).toBe(SOURCE);
  });

  it('no unit and none to copy: a clear error', async () => {
    const facts = new MapFacts({ '/etc/systemd/system/tomcat2.service': null, '/etc/systemd/system/tomcat.service': null });
    const args = { name: 'tomcat2', home: '/opt/tomcat2', source_unit: 'tomcat', source_home: '/opt/tomcat' };
    await expect(Promise.resolve().then(() => tomcatUnit.plan(args, facts, CTX))).rejects.toThrow(OperationError);
    await expect(Promise.resolve().then(() => tomcatUnit.plan(args, facts, CTX))).rejects.toThrow(
      /no systemd unit \/etc\/systemd\/system\/tomcat2\.service/,
    );
  });
});
