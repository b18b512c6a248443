/** A rolling unit's rollback on its host: what its restart waits for. */
import { describe, expect, it } from 'vitest';
import { unitItems } from '../../src/journal/rollback-script.ts';
import type { UnitRollback } from '../../src/journal/rollback-plan.ts';

const unit = (existed: boolean): UnitRollback => ({
  before: 'running',
  roll: {
    unit: 'tomcat tomcat2',
    service: { name: 'tomcat tomcat2', start: '/opt/tomcat/bin/catalina.sh start', stop: '/opt/tomcat/bin/shutdown.sh', status: 'true' },
    wait: {
      port: 8080,
      url: 'http://127.0.0.1:8080/counter/',
      logFile: '/opt/tomcat/logs/catalina.out',
      pattern: 'memberAdded',
      failPattern: 'Address already in use',
      timeoutMs: 60_000,
    },
    balancers: [],
  },
  steps: [
    {
      run: 'r1',
      seq: 1,
      task: 'war',
      action: 'restore',
      paths: [{ i: 0, path: '/opt/tomcat/webapps/counter.war', existed }],
      text: existed ? 'restore /opt/tomcat/webapps/counter.war' : 'remove /opt/tomcat/webapps/counter.war (did not exist before)',
    },
  ],
});
const start = (u: UnitRollback) => unitItems(u, false).at(-1)!;

describe('unitItems', () => {
  it('after a run that only changed files, waits as the run waited (port, application, log line)', () => {
    const s = start(unit(true));
    expect(s.text).toBe('start tomcat tomcat2 with the restored files and wait for it');
    expect(s.body).toContain('memberAdded');
    expect(s.body).toContain('http://127.0.0.1:8080/counter/');
  });

  it('after a first deploy, waits for the port only: the application and its cluster log line were made by the run', () => {
    const s = start(unit(false));
    expect(s.body).not.toContain('memberAdded');
    expect(s.body).not.toContain('/counter/');
    expect(s.body).toContain('8080');
    // A failure in the log still fails it at once.
    expect(s.body).toContain('Address already in use');
  });
});
