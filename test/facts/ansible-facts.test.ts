/** The `system` fact under Ansible's names, as playbooks for this job read them. */
import { describe, expect, it } from 'vitest';
import { ansibleFacts } from '../../src/facts/ansible-facts.ts';
import type { SystemFact } from '../../src/facts/types.ts';

const centos: SystemFact = {
  id: 'centos',
  like: 'rhel fedora',
  version: '7',
  name: 'CentOS Linux',
  hostname: 'web1',
  fqdn: 'web1.example.com',
  architecture: 'x86_64',
  kernel: '3.10.0',
  defaultIpv4: { address: '10.0.0.11', interface: 'eth0', gateway: '10.0.0.1' },
};

describe('ansible_* facts', () => {
  it('CentOS 7 reads as Ansible reports it', () => {
    const v = ansibleFacts(centos);
    expect(v).toMatchObject({
      ansible_distribution: 'CentOS',
      ansible_distribution_major_version: '7',
      ansible_os_family: 'RedHat',
      ansible_hostname: 'web1',
      ansible_default_ipv4: { address: '10.0.0.11' },
    });
    expect((v.ansible_facts as Record<string, unknown>).distribution).toBe('CentOS');
  });

  it('an unknown ID takes its family from ID_LIKE; Debian 12.5 has major version 12', () => {
    expect(ansibleFacts({ ...centos, id: 'myos', like: 'debian', name: 'My OS' })).toMatchObject({
      ansible_distribution: 'My OS',
      ansible_os_family: 'Debian',
    });
    expect(ansibleFacts({ ...centos, id: 'debian', version: '12.5' })).toMatchObject({ ansible_distribution_major_version: '12' });
  });
});
