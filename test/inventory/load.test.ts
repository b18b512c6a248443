import { describe, expect, it } from 'vitest';
import { loadInventory } from '../../src/inventory/load.ts';

const fx = (name: string): string => `test/fixtures/inventory/${name}`;

describe('loadInventory: Ansible documentation examples', () => {
  it('reads the basic example: hosts in file order, implicit ungrouped', async () => {
    const inv = await loadInventory(fx('ansible-docs/basic.yml'));
    expect([...inv.hosts.keys()]).toEqual([
      'mail.example.com',
      'foo.example.com',
      'bar.example.com',
      'one.example.com',
      'two.example.com',
      'three.example.com',
    ]);
    expect([...inv.groups.keys()]).toEqual(['all', 'ungrouped', 'webservers', 'dbservers']);
    expect(inv.groups.get('ungrouped')!.hosts).toEqual(['mail.example.com']);
    expect(inv.groups.get('webservers')!.hosts).toEqual(['foo.example.com', 'bar.example.com']);
    expect(inv.groups.get('all')!.children).toEqual(['ungrouped', 'webservers', 'dbservers']);
    expect(inv.hosts.get('foo.example.com')!.groups).toEqual(['all', 'webservers']);
    expect(inv.hosts.get('mail.example.com')!.groups).toEqual(['all', 'ungrouped']);
    expect(inv.hosts.get('two.example.com')!.pos).toEqual({ file: fx('ansible-docs/basic.yml'), line: 13, column: 9 });
  });

  it('reconciles top-level groups under all and keeps a host in several groups', async () => {
    const inv = await loadInventory(fx('ansible-docs/groups-of-groups.yml'));
    expect(inv.groups.get('all')!.children).toEqual(['ungrouped', 'webservers', 'dbservers', 'prod', 'test']);
    expect(inv.groups.get('prod')!.hosts).toEqual(['foo.example.com', 'one.example.com', 'two.example.com']);
    expect(inv.groups.get('prod')!.children).toEqual(['east']);
    expect(inv.groups.get('east')!.parents).toEqual(['prod']);
    expect(inv.hosts.get('foo.example.com')!.groups).toEqual(['all', 'prod', 'webservers', 'east']);
    expect(inv.groups.get('east')!.depth).toBe(2);
    expect(inv.groups.get('ungrouped')!.hosts).toEqual(['mail.example.com']);
  });

  it('inherits group vars of groups of groups, deeper groups and host vars winning', async () => {
    const inv = await loadInventory(fx('ansible-docs/inherited-vars.yml'));
    const host1 = inv.hosts.get('host1')!.vars;
    expect(host1).toMatchObject({
      ntp_server: 'ntp.usa.example.com',
      proxy: 'proxy.example.com',
      some_server: 'foo.southeast.example.com',
      halon_system_timeout: 30,
      escape_pods: 2,
    });
    expect(inv.hosts.get('host2')!.vars.escape_pods).toBe(4);
    expect(inv.hosts.get('host2')!.groups).toEqual(['all', 'usa', 'southeast', 'atlanta', 'raleigh']);
    expect(inv.groups.get('usa')!.hosts).toEqual(['host1', 'host2', 'host3']);
    expect(inv.groups.get('northeast')!.hosts).toEqual([]);
    expect(inv.hosts.get('host1')!.varPos.some_server).toEqual({ file: fx('ansible-docs/inherited-vars.yml'), line: 18, column: 13 });
  });

  it('honours ansible_group_priority between groups of equal depth, else alphabetical order', async () => {
    const inv = await loadInventory(fx('ansible-docs/group-priority.yml'));
    const host = inv.hosts.get('testhost')!;
    expect(host.vars.testvar).toBe('a');
    expect(host.vars.other).toBe('d');
    expect(host.vars).not.toHaveProperty('ansible_group_priority');
    expect(inv.groups.get('a_group')!.priority).toBe(10);
    expect(host.groups).toEqual(['all', 'b_group', 'c_group', 'd_group', 'a_group']);
  });

  it('expands host ranges and reads ports written in host keys', async () => {
    const inv = await loadInventory(fx('ansible-docs/ranges-and-ports.yml'));
    expect(inv.groups.get('webservers')!.hosts).toEqual([
      'www01.example.com',
      'www02.example.com',
      'www03.example.com',
      'jumper.example.com',
    ]);
    expect(inv.hosts.get('jumper.example.com')!.vars.ansible_port).toBe(5555);
    expect(inv.groups.get('dbservers')!.hosts).toEqual([
      'db-a.example.com',
      'db-b.example.com',
      'db-c.example.com',
      'node0',
      'node3',
      'node6',
    ]);
    expect(inv.groups.get('v6')!.hosts).toEqual(['2001:db8::1', '2001:db8::2']);
    expect(inv.hosts.get('2001:db8::1')!.vars.ansible_port).toBe(2222);
    expect(inv.hosts.get('2001:db8::2')!.vars).not.toHaveProperty('ansible_port');
  });
});

describe('loadInventory: group_vars/ and host_vars/', () => {
  it("merges in Ansible's precedence order", async () => {
    const inv = await loadInventory(fx('precedence/hosts.yml'));
    expect(inv.hosts.get('h1')!.vars).toEqual({
      from: 'inventory-all',
      a: 'inventory-parent',
      b: 'inventory-child',
      c: 'group_vars-parent',
      d: 'group_vars-child-10',
      e: 'group_vars-child-20',
      x: 'group_vars-all',
      gv_all: true,
      h: 'inventory-host',
      y: 'host_vars-h1',
    });
    expect(inv.hosts.get('h1')!.varPos.y).toEqual({ file: 'test/fixtures/inventory/precedence/host_vars/h1', line: 1, column: 1 });
    expect(inv.hosts.get('h1')!.varPos.e!.file).toBe('test/fixtures/inventory/precedence/group_vars/child/20-second.yaml');
  });

  it('leaves {{ }} templates as strings and ignores vars files of unknown groups', async () => {
    const inv = await loadInventory(fx('precedence/hosts.yml'));
    const h2 = inv.hosts.get('h2')!;
    expect(h2.vars.template).toBe('{{ a }}-{{ inventory_hostname }}');
    expect(h2.groups).toEqual(['all', 'other', 'parent', 'child']);
    expect(h2.vars).not.toHaveProperty('ignored');
    expect(inv.groups.get('child')!.vars).toEqual({
      b: 'inventory-child',
      c: 'inventory-child',
      x: 'inventory-child',
      d: 'group_vars-child-10',
      e: 'group_vars-child-20',
    });
  });
});
