/** Lab settings and the inventory it writes (no root needed). */
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { planHosts, resolveSettings } from '../../src/lab/index.ts';
import { inventoryText } from '../../src/lab/files.ts';

describe('lab settings', () => {
  it('plans the multi profile: web1 with Apache, app hosts with Tomcat, addresses from .11', () => {
    const s = resolveSettings({ profile: 'multi', prefix: 'ab', subnet: '10.9.8.0/24' });
    expect(planHosts(s)).toEqual([
      { name: 'ab-web1', ip: '10.9.8.11', groups: ['apache'] },
      { name: 'ab-app1', ip: '10.9.8.12', groups: ['tomcat'] },
      { name: 'ab-app2', ip: '10.9.8.13', groups: ['tomcat'] },
    ]);
    expect(s.bridge).toBe('abbr0');
  });

  it('scale makes 30 hosts by default and never starts services', () => {
    const s = resolveSettings({ profile: 'scale' });
    expect(planHosts(s)).toHaveLength(30);
    expect(s.services).toBe(false);
  });

  it('rejects names that would break link names or shell words', () => {
    expect(() => resolveSettings({ prefix: 'a;b' })).toThrow(/invalid lab prefix/);
    expect(() => resolveSettings({ subnet: '10.1.2.0/16' })).toThrow(/invalid lab subnet/);
    expect(() => resolveSettings({ profile: 'multi', hosts: 1 })).toThrow(/host count/);
  });

  it('writes an Ansible YAML inventory with groups, key and known_hosts', () => {
    const s = resolveSettings({ profile: 'multi', dir: '/tmp/x lab' });
    const inv = parse(inventoryText(s, planHosts(s), 'the-secret'));
    expect(inv.all.vars).toEqual({
      ansible_user: 'root',
      ansible_ssh_private_key_file: '/tmp/x lab/id_ed25519',
      provision_known_hosts_file: '/tmp/x lab/known_hosts',
      tomcat_ajp_secret: 'the-secret',
    });
    // Apache on its own host: one Tomcat instance per app host, each with its own jvmRoute.
    expect(inv.all.hosts['pv-app2']).toMatchObject({
      ansible_host: '10.177.77.13',
      tomcat_instances: [{ home: '/opt/tomcat', jvmRoute: 'tomcat2' }],
    });
    expect(inv.all.hosts['pv-web1']).toEqual({ ansible_host: '10.177.77.11' });
    expect(Object.keys(inv.all.children.tomcat.hosts)).toEqual(['pv-app1', 'pv-app2']);
    expect(Object.keys(inv.all.children.apache.hosts)).toEqual(['pv-web1']);
  });
});
