/**
 * The recipe's lists written as templated YAML (`tomcat_firewall_ports`, `balancer_members`,
 * `cluster_settings` with static members), rendered with Ansible's whitespace (trim_blocks) and
 * read back with `from_yaml` on each host of inventory/multi-host.yml: every `{% %}` tag must sit
 * on a line of its own or the YAML runs together.
 */
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadInventory } from '../../src/inventory/load.ts';
import { loadOperations } from '../../src/ops/registry.ts';
import { loadPlaybook } from '../../src/playbook/load.ts';
import { renderString } from '../../src/vars/template.ts';
import { playVars } from '../../src/vars/play-vars.ts';

const ROOT = join(import.meta.dirname, '../..');
let vars: (host: string, extra?: Record<string, unknown>) => Record<string, unknown>;

beforeAll(async () => {
  const play = (await loadPlaybook(join(ROOT, 'playbooks/tomcat-cluster.yml'), await loadOperations())).plays[0]!;
  const inv = await loadInventory([join(ROOT, 'inventory/multi-host.yml')]);
  vars = (host, extra = {}) => playVars(inv, play, extra, ['web1', 'app1', 'app2'])[host]!;
});

const list = (name: string, v: Record<string, unknown>) => renderString(`{{ ${name} | from_yaml }}`, v);

describe('the recipe’s templated lists', () => {
  it('firewall ports: a Tomcat host without Apache opens its AJP port too; in http mode its HTTP port', () => {
    expect(list('tomcat_firewall_ports', vars('app1'))).toEqual(['45564/udp', '45564/tcp', '4000/tcp', '8009/tcp']);
    expect(list('tomcat_firewall_ports', vars('app1', { ajp_secret_unsupported: 'http' }))).toEqual([
      '45564/udp',
      '45564/tcp',
      '4000/tcp',
      '8009/tcp',
      '8080/tcp',
    ]);
    expect(list('tomcat_firewall_ports', vars('app1', { cluster_membership: 'static' }))).toEqual(['4000/tcp', '8009/tcp']);
  });

  it('balancer members and static members: one entry per Tomcat of the cluster', () => {
    const members = list('balancer_members', vars('web1')) as { host: string; route: string }[];
    expect(members.map((m) => `${m.host} ${m.route}`)).toEqual(['192.168.56.12 tomcat1', '192.168.56.13 tomcat2']);
    const settings = list('cluster_settings', vars('app1', { cluster_membership: 'static' })) as { members: unknown[] };
    expect(settings.members).toEqual([
      { host: '192.168.56.12', port: 4000 },
      { host: '192.168.56.13', port: 4000 },
    ]);
  });
});
