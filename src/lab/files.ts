/** The files a user (and provision) reaches the lab with: inventory, ssh config, known_hosts. */
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import type { LabSettings } from './settings.ts';
import type { LabHost } from './types.ts';

/** Inventory var naming the known_hosts file provision should trust for these hosts. */
export const KNOWN_HOSTS_VAR = 'provision_known_hosts_file';

const q = (v: string): string => JSON.stringify(v);

export function hostsFile(hosts: LabHost[]): string {
  const lines = ['127.0.0.1\tlocalhost', '::1\tlocalhost ip6-localhost ip6-loopback'];
  for (const h of hosts) lines.push(`${h.ip}\t${h.name}`);
  return lines.join('\n') + '\n';
}

const PORTS_1 = '{ shutdown: 8005, http: 8080, redirect: 8443, ajp: 8009 }';
const PORTS_2 = '{ shutdown: 8006, http: 8081, redirect: 8444, ajp: 8010 }';

/**
 * The recipe playbook's `tomcat_instances` for a host, when the playbook's default (two instances
 * named tomcat1/tomcat2 on one host) would not do: with several Tomcat hosts, each instance needs
 * a jvmRoute of its own across the cluster.
 */
function instancesFor(h: LabHost, hosts: LabHost[], rhel: boolean): string[] {
  const tomcats = hosts.filter((x) => x.groups.includes('tomcat'));
  if (!h.groups.includes('tomcat') || (tomcats.length < 2 && !rhel)) return [];
  const n = tomcats.indexOf(h) + 1;
  // rhel: each instance runs as its own systemd unit; provision makes tomcat2's from tomcat's.
  const unit = (name: string): string => (rhel ? `, unit: ${name}` : '');
  const route = (suffix: string): string => (tomcats.length < 2 ? `tomcat${suffix === 'a' ? 1 : 2}` : `tomcat${n}${suffix}`);
  const one = (r: string): string => `{ home: /opt/tomcat${unit('tomcat')}, jvmRoute: ${r}, ports: ${PORTS_1}, receiverPort: 4000 }`;
  // With Apache on its own host (profile multi) one instance per host; otherwise (recipe, scale) the recipe's two.
  if (hosts.some((x) => x.groups.includes('apache') && !x.groups.includes('tomcat'))) {
    return ['      tomcat_instances:', `        - ${one(`tomcat${n}`)}`];
  }
  const src = `source: /opt/tomcat${unit('tomcat2')}`;
  const two = `{ home: /opt/tomcat2, ${src}, jvmRoute: ${route('b')}, ports: ${PORTS_2}, receiverPort: 4001 }`;
  return ['      tomcat_instances:', `        - ${one(route('a'))}`, `        - ${two}`];
}

/** Ansible-format YAML inventory: `all` with vars and hosts, groups as children. */
/** `ajpSecret`: the AJP secret shared by Apache and Tomcat on these hosts (random per lab). */
export function inventoryText(s: LabSettings, hosts: LabHost[], ajpSecret = 'lab-ajp-secret'): string {
  const out = [
    `# provision lab "${s.name}" (profile ${s.profile}); made by \`provision lab up\`, removed by \`lab down\`.`,
    'all:',
    '  vars:',
    '    ansible_user: root',
    `    ansible_ssh_private_key_file: ${q(s.keyPath)}`,
    `    ${KNOWN_HOSTS_VAR}: ${q(s.knownHostsPath)}`,
    '  hosts:',
  ];
  out.splice(out.length - 1, 0, `    tomcat_ajp_secret: ${q(ajpSecret)}`);
  for (const h of hosts) out.push(`    ${h.name}:`, `      ansible_host: ${h.ip}`, ...instancesFor(h, hosts, s.layout === 'rhel'));
  out.push('  children:');
  const groups = [...new Set(hosts.flatMap((h) => h.groups))].sort();
  for (const g of groups) {
    out.push(`    ${g}:`, '      hosts:');
    for (const h of hosts.filter((x) => x.groups.includes(g))) out.push(`        ${h.name}:`);
  }
  return out.join('\n') + '\n';
}

export function sshConfigText(s: LabSettings, hosts: LabHost[]): string {
  return hosts
    .map((h) =>
      [
        `Host ${h.name} ${h.ip}`,
        `  HostName ${h.ip}`,
        '  User root',
        `  IdentityFile ${q(s.keyPath)}`,
        '  IdentitiesOnly yes',
        `  UserKnownHostsFile ${q(s.knownHostsPath)}`,
        '  StrictHostKeyChecking yes',
        '  BatchMode yes',
        '  LogLevel ERROR',
        '',
      ].join('\n'),
    )
    .join('\n');
}

export async function writeAccessFiles(s: LabSettings, hosts: LabHost[], hostKeys: string[]): Promise<void> {
  const known = hosts.map((h, i) => {
    const [type, key] = (hostKeys[i] ?? '').split(' ');
    return `${h.name},${h.ip} ${type} ${key}`;
  });
  await writeFile(s.knownHostsPath, known.join('\n') + '\n');
  await writeFile(s.sshConfigPath, sshConfigText(s, hosts));
  await writeFile(s.inventoryPath, inventoryText(s, hosts, randomBytes(18).toString('base64url')));
}

/** What `lab up` prints after the hosts are ready. */
export function usageText(s: LabSettings, hosts: LabHost[]): string {
  const first = hosts[0]?.name ?? '';
  return [
    `lab "${s.name}" is up: ${hosts.length} host(s) on ${s.bridge} (${s.subnet})`,
    ...hosts.map((h) => `  ${h.name.padEnd(16)} ${h.ip.padEnd(15)} ${h.groups.join(',')}`),
    `inventory:   ${s.inventoryPath}`,
    `ssh:         ssh -F ${s.sshConfigPath} ${first}`,
    `known_hosts: ${s.knownHostsPath}   key: ${s.keyPath}`,
    `provision:   provision -i ${s.inventoryPath} <playbook>`,
    `tear down:   provision lab down${s.name === 'default' ? '' : ` --name ${s.name}`}`,
  ].join('\n');
}
