/**
 * The `system` fact as Ansible's setup module names it: `ansible_distribution`,
 * `ansible_distribution_major_version`, `ansible_os_family`, `ansible_hostname`,
 * `ansible_default_ipv4.address`, … and the same under `ansible_facts` without the prefix.
 * Gathered only when a task of a play with fact gathering reads one, in the one fact round trip.
 */
import type { SystemFact } from './types.ts';

/** os-release ID → Ansible's distribution name and OS family (Ansible's own table, the common part). */
const DISTROS: Record<string, [string, string]> = {
  centos: ['CentOS', 'RedHat'],
  rhel: ['RedHat', 'RedHat'],
  fedora: ['Fedora', 'RedHat'],
  rocky: ['Rocky', 'RedHat'],
  almalinux: ['AlmaLinux', 'RedHat'],
  ol: ['OracleLinux', 'RedHat'],
  amzn: ['Amazon', 'RedHat'],
  debian: ['Debian', 'Debian'],
  ubuntu: ['Ubuntu', 'Debian'],
  sles: ['SLES', 'Suse'],
  'opensuse-leap': ['openSUSE Leap', 'Suse'],
  alpine: ['Alpine', 'Alpine'],
  arch: ['Archlinux', 'Archlinux'],
};

/** Names a task may read; the loader marks such tasks to be expanded once facts are in. */
export const ANSIBLE_FACT_NAMES = [
  'ansible_facts',
  'ansible_distribution',
  'ansible_distribution_version',
  'ansible_distribution_major_version',
  'ansible_os_family',
  'ansible_hostname',
  'ansible_fqdn',
  'ansible_nodename',
  'ansible_default_ipv4',
  'ansible_architecture',
  'ansible_kernel',
  'ansible_system',
];

/** The variables a play with fact gathering sees. */
export function ansibleFacts(s: SystemFact): Record<string, unknown> {
  const family = DISTROS[s.id]?.[1] ?? DISTROS[s.like.split(' ').find((x) => DISTROS[x]) ?? '']?.[1] ?? (s.id || 'unknown');
  const facts: Record<string, unknown> = {
    distribution: DISTROS[s.id]?.[0] ?? (s.name || 'unknown'),
    distribution_version: s.version,
    distribution_major_version: s.version.split('.')[0] ?? '',
    os_family: family,
    hostname: s.hostname,
    fqdn: s.fqdn,
    nodename: s.hostname,
    default_ipv4: s.defaultIpv4 ?? {},
    architecture: s.architecture,
    kernel: s.kernel,
    system: 'Linux',
  };
  return { ansible_facts: facts, ...Object.fromEntries(Object.entries(facts).map(([k, v]) => [`ansible_${k}`, v])) };
}
