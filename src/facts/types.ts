/**
 * Facts are small and typed: a request names what to read, a fact module knows the shell snippet
 * that reads it and the parser of its output. The runner batches every request of a host into one
 * remote script (one round trip) and caches the answers for the run.
 */

/** What one file or directory looks like on the host. */
export interface FileFact {
  path: string;
  exists: boolean;
  type: 'file' | 'directory' | 'link' | 'other' | null;
  /** Permission bits, e.g. 0o644. */
  mode: number | null;
  owner: string | null;
  group: string | null;
  size: number | null;
  /** sha256 hex of a regular file's content. */
  sha256: string | null;
  /** Present when the request asked for content and the file is a regular file. */
  content?: Buffer;
}

export interface CommandFact {
  code: number;
  stdout: string;
}

export interface OsFact {
  /** os-release ID, e.g. `centos`, `debian`. */
  id: string;
  /** os-release VERSION_ID, e.g. `7`. */
  version: string;
  hostname: string;
  /** Login user after become. */
  user: string;
  packageManager: 'apt' | 'yum' | 'dnf' | null;
  systemd: boolean;
  /** IPv4 addresses of the host, loopback excluded. */
  addresses: string[];
}

/** What Ansible's setup module reports that playbooks for this job read (see facts/ansible-facts.ts). */
export interface SystemFact {
  /** os-release ID, ID_LIKE, VERSION_ID, NAME. */
  id: string;
  like: string;
  version: string;
  name: string;
  /** Short host name and FQDN. */
  hostname: string;
  fqdn: string;
  /** `uname -m`, `uname -r`. */
  architecture: string;
  kernel: string;
  /** The default route's interface, source address and gateway (Ansible's ansible_default_ipv4). */
  defaultIpv4: { address: string; interface: string; gateway: string } | null;
}

export interface FirewallFact {
  /** firewalld answers `running`. */
  running: boolean;
  /** firewall-cmd exists on the host. */
  installed: boolean;
  /** Ports in the zone's permanent config, `4000/tcp`. */
  permanent: string[];
  /** Ports in the zone's runtime config. */
  runtime: string[];
  /** Rich rules in the permanent config. */
  richRules: string[];
}

export interface ServiceFact {
  running: boolean;
}

export interface PackageFact {
  /** Installed version, or null. */
  version: string | null;
}

/** Every fact request, by type. The key of a request is its JSON. */
export type FactRequest =
  | { type: 'file'; path: string; /** Also read the content (text files you will edit). */ content?: boolean }
  | { type: 'command'; command: string }
  | { type: 'os' }
  | { type: 'system' }
  | { type: 'firewall'; zone: string }
  | { type: 'service'; name: string; status?: string }
  | { type: 'package'; manager: 'apt' | 'yum' | 'dnf'; name: string };

export interface FactValueMap {
  file: FileFact;
  command: CommandFact;
  os: OsFact;
  system: SystemFact;
  firewall: FirewallFact;
  service: ServiceFact;
  package: PackageFact;
}

/** Read gathered facts inside `plan`. Throws if the request was not declared by `facts()`. */
export interface Facts {
  get<R extends FactRequest>(req: R): FactValueMap[R['type']];
}

/** Convenience constructors, so operations read `f.file(path, true)`. */
export const fact = {
  file: (path: string, content = false): FactRequest => ({ type: 'file', path, ...(content ? { content: true } : {}) }),
  command: (command: string): FactRequest => ({ type: 'command', command }),
  os: (): FactRequest => ({ type: 'os' }),
  system: (): FactRequest => ({ type: 'system' }),
  firewall: (zone: string): FactRequest => ({ type: 'firewall', zone }),
  service: (name: string, status?: string): FactRequest => ({ type: 'service', name, ...(status ? { status } : {}) }),
  package: (manager: 'apt' | 'yum' | 'dnf', name: string): FactRequest => ({ type: 'package', manager, name }),
};

export function factKey(req: FactRequest): string {
  return JSON.stringify(req);
}
