import { describe, expect, it } from 'vitest';
import { fact } from '../../../src/facts/types.ts';
import { serviceOp, type ServiceArgs } from '../../../src/ops/generic/service.ts';
import { planOp, schemaErrors } from './helpers.ts';

const catalina = {
  name: 'tomcat2',
  start: '/opt/tomcat2/bin/catalina.sh start',
  stop: '/opt/tomcat2/bin/catalina.sh stop',
  status: 'kill -0 "$(cat /opt/tomcat2/bin/tomcat.pid)"',
  user: 'tomcat',
};

function running(a: ServiceArgs, yes: boolean) {
  return planOp(serviceOp, a, [[fact.service(a.name, a.status), { running: yes }]]);
}

describe('service', () => {
  it('starts a stopped systemd service with its check and wait', async () => {
    const plan = await running({ name: 'httpd', state: 'started', check: 'apachectl -t', wait_for: { port: 80, timeout: 30 } }, false);
    expect(plan.changes).toEqual([
      {
        kind: 'service',
        action: 'start',
        service: { name: 'httpd' },
        check: 'apachectl -t',
        wait: { port: 80, timeoutMs: 30000 },
        summary: 'start httpd via systemd (not running)',
      },
    ]);
  });

  it('is ok when already running, and says so', async () => {
    expect(await running({ name: 'httpd', state: 'started' }, true)).toEqual({ changes: [], okMessage: 'httpd is running' });
    expect(await running({ name: 'httpd', state: 'stopped' }, false)).toEqual({ changes: [], okMessage: 'httpd is stopped' });
  });

  it('stops a running service (no wait or check on stop)', async () => {
    const plan = await running({ name: 'httpd', state: 'stopped', check: 'apachectl -t', wait_for: { port: 80 } }, true);
    expect(plan.changes).toEqual([
      { kind: 'service', action: 'stop', service: { name: 'httpd' }, summary: 'stop httpd via systemd (running)' },
    ]);
  });

  it('restarted always restarts (starts when stopped), like Ansible', async () => {
    expect((await running({ name: 'httpd', state: 'restarted' }, true)).changes).toMatchObject([{ action: 'restart' }]);
    expect((await running({ name: 'httpd', state: 'restarted' }, false)).changes).toMatchObject([{ action: 'start' }]);
  });

  it('reloaded reloads, starts a stopped service, and restarts when explicit commands have no reload', async () => {
    expect((await running({ name: 'httpd', state: 'reloaded' }, true)).changes).toMatchObject([{ action: 'reload' }]);
    expect((await running({ name: 'httpd', state: 'reloaded' }, false)).changes).toMatchObject([{ action: 'start' }]);
    expect((await running({ ...catalina, state: 'reloaded' }, true)).changes).toMatchObject([
      { action: 'restart', summary: expect.stringContaining('no reload command') },
    ]);
  });

  it('drives a Tomcat through catalina.sh as its user, waiting for the log line', async () => {
    const a: ServiceArgs = {
      ...catalina,
      state: 'started',
      wait_for: { log_file: '/opt/tomcat2/logs/catalina.out', pattern: 'Server startup in', timeout: 120 },
    };
    expect(serviceOp.facts(a, { host: 'h', vars: {}, hostvars: {}, playHosts: [], baseDir: '/' })).toEqual([
      { type: 'service', name: 'tomcat2', status: catalina.status },
    ]);
    const plan = await running(a, false);
    expect(plan.changes).toEqual([
      {
        kind: 'service',
        action: 'start',
        service: { name: 'tomcat2', start: catalina.start, stop: catalina.stop, status: catalina.status, user: 'tomcat' },
        wait: { logFile: '/opt/tomcat2/logs/catalina.out', pattern: 'Server startup in', timeoutMs: 120000 },
        summary: 'start tomcat2 via its commands (not running)',
      },
    ]);
  });

  it('enabled: reads is-enabled and enables with a disable undo', async () => {
    const a: ServiceArgs = { name: 'firewalld', enabled: true };
    const [req] = serviceOp.facts(a, { host: 'h', vars: {}, hostvars: {}, playHosts: [], baseDir: '/' });
    expect(req).toEqual(fact.command('systemctl is-enabled --quiet firewalld'));
    const off = await planOp(serviceOp, a, [[req!, { code: 1, stdout: '' }]]);
    expect(off.changes).toEqual([
      {
        kind: 'exec',
        command: 'systemctl enable firewalld',
        undo: 'systemctl disable firewalld || ! systemctl cat firewalld >/dev/null 2>&1',
        summary: 'enable firewalld at boot',
      },
    ]);
    const on = await planOp(serviceOp, a, [[req!, { code: 0, stdout: '' }]]);
    expect(on).toEqual({ changes: [], okMessage: 'firewalld is enabled at boot' });
  });

  it('schema: explicit commands go together; a state or enabled is needed; wait_for is checked', () => {
    expect(schemaErrors(serviceOp, { name: 'x' })).not.toBeNull();
    expect(schemaErrors(serviceOp, { state: 'started' })).toEqual(
      expect.arrayContaining([expect.stringContaining("required property 'name'")]),
    );
    expect(schemaErrors(serviceOp, { name: 'x', state: 'started', start: 'a' })).not.toBeNull();
    expect(schemaErrors(serviceOp, { ...catalina, state: 'started', enabled: true })).not.toBeNull();
    expect(schemaErrors(serviceOp, { name: 'x', state: 'running' })).not.toBeNull();
    expect(schemaErrors(serviceOp, { name: 'x', state: 'started', wait_for: { log_file: '/l' } })).not.toBeNull();
    expect(schemaErrors(serviceOp, { name: 'x', state: 'started', wait_for: { prot: 80 } })).not.toBeNull();
    expect(
      schemaErrors(serviceOp, { ...catalina, state: 'started', wait_for: { port: 8080, address: '127.0.0.1', timeout: 60 } }),
    ).toBeNull();
  });
});
