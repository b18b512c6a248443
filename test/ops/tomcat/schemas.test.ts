import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { operations } from '../../../src/ops/tomcat/index.ts';

const ajv = new Ajv({ allErrors: true, strict: true });
const byName = Object.fromEntries(operations.map((op) => [op.name, ajv.compile(op.schema)]));

describe('Tomcat operation schemas', () => {
  it('accept the documented argument shapes', () => {
    expect(
      byName.tomcat_instance!({
        source: '/opt/tomcat',
        dest: '/opt/tomcat2',
        ports: { offset: 1 },
        ajp: { secret: 's', address: '0.0.0.0' },
        jvmRoute: 'tomcat2',
        env: 'setenv.sh',
        version: '10.1',
      }),
    ).toBe(true);
    expect(
      byName.tomcat_cluster!({
        instances: ['/opt/tomcat', { home: '/opt/tomcat2', jvmRoute: 'tomcat2', receiverPort: 4001 }],
        cluster: { members: [{ host: '10.0.0.1', port: 4000 }], manager: 'BackupManager' },
      }),
    ).toBe(true);
    expect(byName.war!({ src: 'app.war', name: 'ROOT.war', distributable: false })).toBe(true);
  });

  it('reject typos, relative homes and bad names', () => {
    expect(byName.tomcat_instance!({ source: 'opt/tomcat' })).toBe(false);
    expect(byName.tomcat_instance!({ source: '/opt/tomcat', port: { offset: 1 } })).toBe(false);
    expect(byName.tomcat_cluster!({ cluster: { manager: 'Delta' } })).toBe(false);
    expect(byName.war!({ src: 'a.war', name: 'sub/dir.war' })).toBe(false);
  });
});
