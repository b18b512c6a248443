/**
 * Changes are data. An operation's plan is a list of these primitives; only the runner's applier
 * executes them, and the journal knows how to back up and undo each one. Operations never touch
 * the network.
 */
import type { FileDiff } from './result.ts';

/** How to run a service: systemd, or explicit commands (e.g. a Tomcat's own catalina.sh). */
export interface ServiceSpec {
  /** Display name and systemd unit when `start` is not given. */
  name: string;
  /** Shell command that starts it (instead of systemd). */
  start?: string;
  /** Shell command that stops it. */
  stop?: string;
  /** Shell command that exits 0 while it runs. */
  status?: string;
  /** Shell command that reloads its configuration (instead of restart). */
  reload?: string;
  /** Run these commands as this user. */
  user?: string;
}

/** After a start/restart, wait until the service answers. */
export interface WaitSpec {
  /** A TCP port on the host that must accept connections. */
  port?: number;
  /** Address for `port` (default 127.0.0.1). */
  address?: string;
  /** A URL fetched on the host (curl or wget) that must answer 2xx/3xx. */
  url?: string;
  /** A file that must come to contain `pattern` (e.g. a Tomcat log). */
  logFile?: string;
  /** Extended regular expression (grep -E) to find in `logFile`. */
  pattern?: string;
  /** Extended regular expression that, found in `logFile` after the start, fails the wait at once. */
  failPattern?: string;
  /** Give up after this long. */
  timeoutMs?: number;
}

/** A member of an Apache balancer, as `balancer-manager` on the Apache host sees it. */
export interface BalancerMemberRef {
  /** `balancer://<name>`. */
  balancer: string;
  /** The member's route (the Tomcat's jvmRoute). */
  route: string;
  /** Apache's balancer-manager URL, reachable from the Apache host itself. */
  managerUrl: string;
  /** Host header for the manager request (the vhost's ServerName), when the vhost has one. */
  hostHeader?: string;
}

interface Base {
  /** One line for the user: what this change does. */
  summary: string;
}

/**
 * Change kinds declared in their own file, `src/host/changes/<kind>.ts`, by declaration merging
 * (`declare module '../../core/change.ts' { interface MoreChanges { kind: {...} } }`), so a new kind
 * is that one file plus its line in the registry. The kinds listed in `Change` below predate it.
 */
export interface MoreChanges {}

export type Change = Base &
  (
    | MoreChanges[keyof MoreChanges]
    | {
        kind: 'write';
        path: string;
        content: Buffer;
        /** Octal mode to set, e.g. 0o644; unset keeps the old one (or 0644 for new files). */
        mode?: number;
        owner?: string;
        group?: string;
        /** What the user sees in --diff. */
        diff?: FileDiff;
        /** A validator run on the uploaded temp file before it replaces the target; `%s` is its path. */
        validate?: string;
      }
    | { kind: 'mkdir'; path: string; mode?: number; owner?: string; group?: string }
    | { kind: 'attrs'; path: string; mode?: number; owner?: string; group?: string }
    | {
        kind: 'remove';
        path: string;
        diff?: FileDiff;
        /** Something else recreates it (Tomcat re-expands a WAR): its reappearance is not drift. */
        regenerated?: boolean;
      }
    | {
        kind: 'copytree';
        src: string;
        dest: string;
        /** Paths under `dest` (relative) left out of the copy: `logs/*` empties logs/, `x` removes x. */
        exclude?: string[];
      }
    | {
        kind: 'exec';
        command: string;
        /** A command that undoes it, for rollback; without one, rollback reports it cannot. */
        undo?: string;
        /** Treat these exit codes as success. */
        okCodes?: number[];
        /**
         * The `creates:` path that did not exist before: what the command makes. Until it has run,
         * later tasks cannot know what is under it; without `undo`, rollback removes it.
         */
        creates?: string;
      }
    | {
        kind: 'firewall';
        zone: string;
        /** `45564/udp`, `4000/tcp`. */
        port: string;
        state: 'present' | 'absent';
        /** Limit to this source address (rich rule) instead of opening to all. */
        source?: string;
      }
    | { kind: 'firewall-reload' }
    | {
        kind: 'service';
        action: 'start' | 'stop' | 'restart' | 'reload';
        service: ServiceSpec;
        wait?: WaitSpec;
        /** A command that checks the new config first (httpd -t); failing it aborts the change. */
        check?: string;
        /**
         * An Apache whose reload must not re-enable balancer members drained at that moment (a
         * reload resets their runtime state): they are drained again right after it.
         */
        keepDrained?: Omit<BalancerMemberRef, 'route'>;
      }
    | {
        kind: 'package';
        manager: 'apt' | 'yum' | 'dnf';
        name: string;
        state: 'present' | 'absent';
      }
  );

export type ChangeKind = Change['kind'];
