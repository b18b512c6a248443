/**
 * The transport contract. `exec` never throws on a non-zero exit; only connection-level failures
 * throw (`ConnectError`, `AuthError`, `HostKeyError` from src/core/errors.ts). ssh2 stays behind this.
 * A command never appears in a remote command line (readable by every user in /proc/PID/cmdline):
 * it is sent on the channel's stdin, ahead of the caller's stdin bytes.
 */

export interface ExecResult {
  code: number;
  stdout: string;
  stderr: string;
  /** Raw stdout bytes, for binary output. */
  stdoutBuf: Buffer;
}

export interface ExecOptions {
  /** Bytes written to the command's stdin, then stdin is closed. */
  stdin?: string | Buffer;
  /** Run through the host's become method (sudo) when the connection's user is not root. Default: the connection's become setting. */
  become?: boolean;
  /** Kill the channel after this long and return code 124. */
  timeoutMs?: number;
}

/** How to reach one host: built from the inventory's ansible_* variables. */
export interface ConnectionSpec {
  /** Inventory name (used in messages). */
  name: string;
  host: string;
  port: number;
  user: string;
  privateKeyFile?: string;
  passphrase?: string;
  password?: string;
  /** Use $SSH_AUTH_SOCK when set. */
  agent?: boolean;
  become: boolean;
  becomeUser?: string;
  becomePassword?: string;
  hostKeyChecking: 'strict' | 'accept-new' | 'off';
  /** Defaults to ~/.ssh/known_hosts. */
  knownHostsFile?: string;
  connectTimeoutMs?: number;
  /** Connection setup attempts (1 = no retry). Retries only for refused/timed out, never auth or host key. */
  connectAttempts?: number;
  /**
   * OpenSSH command-line words (Ansible's ssh_args, ansible_ssh_common_args, ansible_ssh_extra_args):
   * `-o ProxyJump=…`, `-o ProxyCommand=…`, `-J`, `-i`, `-p`, `-l`, `-F` and other `-o` options (ssh-options.ts).
   */
  sshArgs?: string[];
  /** The OpenSSH client config to read (default ~/.ssh/config; `none`: none). */
  sshConfigFile?: string;
  /** Which settings are only defaults, so the ssh args and ~/.ssh/config may set them (as in ssh, the command line wins). */
  defaulted?: { user?: boolean; port?: boolean; hostKeyChecking?: boolean };
}

/** Counters every transport keeps, read by tests and the benchmark. */
export interface TransportStats {
  /** SSH connections opened. */
  connections: number;
  /** Request/response exchanges: each exec and each SFTP operation counts one. */
  roundTrips: number;
  /** Wall time from asking to having the answer, summed over the round trips (the host's share of a run). */
  waitMs?: number;
  /** Wall time of the SSH handshake (TCP, key exchange, authentication). */
  connectMs?: number;
}

export interface Transport {
  readonly spec: ConnectionSpec;
  readonly stats: TransportStats;
  exec(command: string, opts?: ExecOptions): Promise<ExecResult>;
  /** Read a whole file (through become when needed); null when it does not exist. */
  readFile(path: string): Promise<Buffer | null>;
  /**
   * Atomically write a file: temp file beside the target, then rename. Keeps the target's
   * mode/owner unless given. One round trip.
   */
  writeFile(path: string, data: Buffer, opts?: { mode?: number; owner?: string; group?: string }): Promise<void>;
  close(): Promise<void>;
}
