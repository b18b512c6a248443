/** Shapes shared by the lab modules: options in, host list and paths out, state on disk. */

/** Which hosts `lab up` makes. */
export type LabProfile =
  /** The recipe's single host: Apache + Tomcat on one machine. */
  | 'recipe'
  /** web1 with Apache, app1..appN with Tomcat. */
  | 'multi'
  /** N plain hosts for benchmarks (files present, services not started). */
  | 'scale';

/** PID 1 of a host: tini running sshd (services started by the boot script), or systemd. */
export type LabInit = 'tini' | 'systemd';

/**
 * Where Apache and Tomcat live on a host: `source` (the recipe's box: /usr/local/apache2 built
 * from source, tarball /opt/tomcat started by its scripts) or `rhel` (CentOS 7 packages' layout:
 * /etc/httpd and httpd.service, Tomcat as a systemd unit per instance; systemd hosts only).
 */
export type LabLayout = 'source' | 'rhel';

/** Options for `labUp`, `labDown`, `labStatus`. Every field has a default. */
export interface LabOptions {
  /** Lab name; selects the lab directory. Default `default`. */
  name?: string;
  /** Lab directory. Default `<repo>/.lab/<name>`. */
  dir?: string;
  /** Prefix of host names, netns names and veth links (a-z0-9, at most 8 chars). Default `pv`. */
  prefix?: string;
  /** Bridge name (at most 15 chars). Default `<prefix>br0`. */
  bridge?: string;
  /** A /24 that lives only on the bridge; the machine gets .1, hosts .11, .12, …. Default `10.177.77.0/24`. */
  subnet?: string;
  /** Profile. Default `recipe`. */
  profile?: LabProfile;
  /** Number of hosts (recipe: 1, multi: 3, scale: 30 by default). */
  hosts?: number;
  /** PID 1 of each host. Default `tini` (`systemd` for layout rhel). */
  init?: LabInit;
  /** Apache/Tomcat layout of the hosts. Default `source`. */
  layout?: LabLayout;
  /** Start Apache and Tomcat on the hosts whose groups name them. Default true (never for scale). */
  services?: boolean;
  /** Print progress lines here (the CLI passes console.log). */
  log?: (line: string) => void;
}

/** One host of a running lab. */
export interface LabHost {
  /** Hostname, netns name and inventory name. */
  name: string;
  /** Address on the lab bridge. */
  ip: string;
  /** Inventory groups besides `all`. */
  groups: string[];
}

/** What a caller needs to reach a running lab. */
export interface LabInfo {
  name: string;
  dir: string;
  profile: LabProfile;
  init: LabInit;
  layout: LabLayout;
  hosts: LabHost[];
  /** Ansible-format YAML inventory. */
  inventoryPath: string;
  /** `ssh -F <sshConfigPath> <host>` reaches a host. */
  sshConfigPath: string;
  knownHostsPath: string;
  /** Private key (ed25519) authorised for root on every host. */
  keyPath: string;
}

/** Recorded per host so `down` can end exactly what `up` started. */
export interface HostState extends LabHost {
  /** Host-side veth link on the bridge. */
  veth: string;
  /** PID (in the machine's namespace) of the host's PID 1, once known. */
  pid?: number;
  /** Start time of that PID (field 22 of /proc/PID/stat) so a reused PID is never killed. */
  pidStart?: string;
  /** PID of the `unshare` parent that waits for PID 1 (tini), or of host-boot.sh (systemd). */
  launcherPid?: number;
  /** Start time of `launcherPid`. */
  launcherStart?: string;
  /** systemd hosts: the host's cgroup directory in the machine's unified hierarchy. */
  cgroup?: string;
}

/** The lab's state.json. Written before each resource is made so a crashed `up` can be undone. */
export interface LabState {
  name: string;
  prefix: string;
  bridge: string;
  subnet: string;
  profile: LabProfile;
  /** Absent in state written before systemd hosts existed: tini. */
  init?: LabInit;
  layout?: LabLayout;
  services: boolean;
  /** Mount point of the lab's tmpfs (template and upper layers). */
  fsDir: string;
  bridgeCreated: boolean;
  hosts: HostState[];
  createdAt: string;
}
