/**
 * The recipe's declared variables (`vars_spec:`), checked on every host before anything connects:
 * each bad value names the variable, the host, where it was set and the allowed form.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { ConnectError, InventoryError, PlaybookError, UsageError, type ProvisionError } from '../../src/core/errors.ts';
import { loadOperations } from '../../src/ops/registry.ts';
import type { OperationDef } from '../../src/ops/types.ts';
import { RunEmitter } from '../../src/runner/events.ts';
import { runPlaybook } from '../../src/runner/run.ts';

const ROOT = join(import.meta.dirname, '../..');
const RECIPE = join(ROOT, 'playbooks/tomcat-cluster.yml');
let ops: Map<string, OperationDef<any>>;
let dir: string;

beforeAll(async () => {
  ops = await loadOperations();
  dir = mkdtempSync(join(tmpdir(), 'pv-vars-'));
});

/** inventory/hosts.yml with web1's variables changed, in its own directory (for group_vars/). */
function inventory(hostVars: Record<string, unknown>, groupVars?: Record<string, unknown>): string {
  const d = mkdtempSync(join(dir, 'inv-'));
  const inv = parse(readFileSync(join(ROOT, 'inventory/hosts.yml'), 'utf8'));
  Object.assign(inv.all.hosts.web1, hostVars);
  if (groupVars) {
    mkdirSync(join(d, 'group_vars'));
    writeFileSync(join(d, 'group_vars/tomcat.yml'), stringify(groupVars));
  }
  writeFileSync(join(d, 'hosts.yml'), stringify(inv));
  return join(d, 'hosts.yml');
}

/** Run the recipe; connecting is refused, so a run that gets that far ends with exit 3. */
async function run(inv: string, extra: { vars?: Record<string, unknown>; origins?: Record<string, string>; playbook?: string } = {}) {
  const infos: string[] = [];
  const emitter = new RunEmitter();
  emitter.on('info', (e) => infos.push(e.message));
  let opened = 0;
  const result = await runPlaybook({
    inventory: inv,
    playbook: extra.playbook ?? RECIPE,
    ops,
    emitter,
    extraVars: extra.vars,
    extraVarOrigins: extra.origins,
    open: async (spec) => {
      opened++;
      throw new ConnectError(`not connecting to ${spec.host} in this test`);
    },
  }).catch((e: unknown) => e as ProvisionError);
  return { result, infos, opened };
}

async function failure(inv: string, extra?: Parameters<typeof run>[1]): Promise<ProvisionError> {
  const r = await run(inv, extra);
  expect(r.opened, 'a host was contacted').toBe(0);
  expect(r.result).toBeInstanceOf(Error);
  return r.result as ProvisionError;
}

const lineOf = (file: string, text: string) =>
  readFileSync(file, 'utf8')
    .split('\n')
    .findIndex((l) => l.includes(text)) + 1;

describe('recipe variables are checked against vars_spec before anything connects', () => {
  it('the example inventory passes: connecting is the first thing that fails', async () => {
    const r = await run(join(ROOT, 'inventory/hosts.yml'));
    expect((r.result as { exitCode: number }).exitCode).toBe(3);
    expect(r.infos.filter((i) => i.includes('WARNING'))).toEqual([]);
  });

  it('an unknown enum value in the inventory: file:line, host, the choices and the nearest', async () => {
    const inv = inventory({ cluster_membership: 'statik' });
    const err = await failure(inv);
    expect(err).toBeInstanceOf(InventoryError);
    expect(err.exitCode).toBe(4);
    const line = lineOf(inv, 'cluster_membership');
    expect(err.message).toBe(`${inv}:${line}:7: variable \`cluster_membership\` is "statik": must be one of multicast, static (host web1)`);
    expect(err.hint).toBe(`did you mean static? Fix it in ${inv}`);
    expect(err.host).toBe('web1');
  });

  it('a multicast address with a shell tail, given with -e: exit 5, says where', async () => {
    const err = await failure(join(ROOT, 'inventory/hosts.yml'), {
      vars: { cluster_mcast_address: '228.0.0.4; x' },
      origins: { cluster_mcast_address: '-e cluster_mcast_address=…' },
    });
    expect(err).toBeInstanceOf(UsageError);
    expect(err.exitCode).toBe(5);
    expect(err.message).toBe(
      '-e cluster_mcast_address=…: variable `cluster_mcast_address` is "228.0.0.4; x": ' +
        'must be an IPv4 multicast address, 224.0.0.0 to 239.255.255.255, such as 228.0.0.4 (host web1)',
    );
  });

  it('tomcat_instances entries: each wrong part by path (port range, jvmRoute token, relative home, a typo key)', async () => {
    const bad = {
      home: 'opt/tomcat',
      jvmRoute: 'tomcat.1',
      ports: { shutdown: 8005, http: 8080, ajp: 70000 },
      receiverPort: 4000,
      sorce: 'x',
    };
    const err = await failure(inventory({ tomcat_instances: [bad] }));
    expect(err).toBeInstanceOf(InventoryError);
    expect(err.message).toContain(
      'variable `tomcat_instances[0]` has an unknown key `sorce`; it takes home, source, unit, jvmRoute, ports, receiverPort',
    );
    expect(err.hint).toMatch(/^did you mean `source`\?/);
    expect(err.message).toContain(
      'also: `tomcat_instances[0].home` is "opt/tomcat": must be an absolute path of letters, digits and . _ - + @ / ' +
        '(no spaces or shell characters)',
    );
    expect(err.message).toContain('also: `tomcat_instances[0].jvmRoute` is "tomcat.1": must be letters, digits, - and _ (no dots)');
    expect(err.message).toContain('also: `tomcat_instances[0].ports.ajp` is 70000: must be a port number, a whole number from 1 to 65535');
  });

  it('the AJP secret: the allowed characters, never the value', async () => {
    const err = await failure(inventory({ tomcat_ajp_secret: 'se cret"x' }));
    expect(err.message).toContain('variable `tomcat_ajp_secret` is not allowed: must be letters, digits and - _ . ~ + / = only');
    expect(err.message).not.toContain('se cret');
  });

  it.each([
    [{ tomcat_start_timeout: 0 }, '`tomcat_start_timeout` is 0: must be a number greater than 0'],
    [{ tomcat_drain_timeout: 'soon' }, '`tomcat_drain_timeout` is "soon": must be a number greater than 0'],
    [{ apache_home: 'usr/local/apache2' }, '`apache_home` is "usr/local/apache2": must be an absolute path (starting with /)'],
    [{ apache_listen: 80.5 }, '`apache_listen` is 80.5: must be a port number, a whole number from 1 to 65535'],
    [{ cluster_mcast_address: '10.0.0.4' }, '`cluster_mcast_address` is "10.0.0.4": must be an IPv4 multicast address'],
  ])('%j', async (vars, message) => {
    expect((await failure(inventory(vars))).message).toContain(message);
  });

  it('host names are addresses too (a Tomcat-only host with ansible_host: app1.internal)', async () => {
    const inv = parse(readFileSync(join(ROOT, 'inventory/multi-host.yml'), 'utf8'));
    inv.all.hosts.app1.ansible_host = 'app1.internal';
    const file = join(mkdtempSync(join(dir, 'multi-')), 'hosts.yml');
    writeFileSync(file, stringify(inv));
    const r = await run(file);
    expect((r.result as { exitCode: number }).exitCode).toBe(3);
  });

  it('a number or boolean written as a string is accepted, as Ansible int/float/bool accept it (the tasks cast it)', async () => {
    const r = await run(inventory({ tomcat_start_timeout: '90', tomcat_drain_timeout: '2.5', manage_services: 'yes' }));
    expect((r.result as { exitCode: number }).exitCode).toBe(3);
  });

  it('a value from group_vars/ names that file', async () => {
    const inv = inventory({}, { cluster_mcast_port: 0 });
    const err = await failure(inv);
    expect(err.message).toMatch(new RegExp(`^${join(inv, '../group_vars/tomcat.yml')}:1:1: variable \`cluster_mcast_port\` is 0`));
  });

  it('a bad playbook default names the playbook line', async () => {
    const pb = join(dir, 'recipe-bad-default.yml');
    writeFileSync(pb, readFileSync(RECIPE, 'utf8').replace('cluster_membership: multicast', 'cluster_membership: multicats'));
    const err = await failure(join(ROOT, 'inventory/hosts.yml'), { playbook: pb });
    expect(err).toBeInstanceOf(PlaybookError);
    expect(err.message).toMatch(new RegExp(`^${pb}:${lineOf(pb, 'cluster_membership: multicats')}:5 \\(playbook defaults\\): variable`));
    expect(err.hint).toMatch(/^did you mean multicast\?/);
  });

  it('a variable set but never read, one edit from one that is: a warning with where it was set', async () => {
    const inv = inventory({ tomcat_ajp_secrt: 'x', unrelated_setting: 1 });
    const r = await run(inv);
    expect((r.result as { exitCode: number }).exitCode).toBe(3);
    expect(r.infos).toContain(
      `[WARNING] ${inv}:${lineOf(inv, 'tomcat_ajp_secrt')}:7: variable \`tomcat_ajp_secrt\` is set but the playbook never reads it; ` +
        'did you mean `tomcat_ajp_secret`?',
    );
    expect(r.infos.join('\n')).not.toContain('unrelated_setting');
  });

  it('a malformed vars_spec is a PlaybookError at the variable', async () => {
    const pb = join(dir, 'bad-spec.yml');
    writeFileSync(pb, '- hosts: all\n  vars_spec:\n    port: { type: prot }\n  tasks: []\n');
    const err = await failure(join(ROOT, 'inventory/hosts.yml'), { playbook: pb });
    expect(err).toBeInstanceOf(PlaybookError);
    expect(err.message).toBe(
      `${pb}:3:5: \`type: prot\` of \`port\` is not a type (did you mean \`port\`?); ` +
        'types: str, int, float, bool, list, dict, path, port, raw',
    );
  });
});
