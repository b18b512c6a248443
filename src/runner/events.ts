/**
 * The core emits events; renderers (listr2 on a TTY, plain lines, JSON) subscribe. The core never
 * imports a renderer.
 */
import { EventEmitter } from 'node:events';
import type { TaskResult } from '../core/result.ts';

/** Counts per host at the end, as Ansible's PLAY RECAP. */
export interface HostRecap {
  ok: number;
  changed: number;
  failed: number;
  skipped: number;
  /** Failures a block's `rescue:` caught (Ansible's rescued=). */
  rescued?: number;
  /** Failures of tasks with `ignore_errors` (Ansible's ignored=; each also counts as ok). */
  ignored?: number;
  unreachable: boolean;
  /** Round trips and connections the transport counted for this host. */
  roundTrips: number;
  connections: number;
  /** Wall time waiting for the host's answers, and of the SSH handshake (ms, whole). */
  waitMs?: number;
  connectMs?: number;
  /** Changes journaled on this host by this run (what `history` calls changed); a task can make many. */
  changes: number;
}

export interface RunEvents {
  /** Everything is loaded and checked; hosts are about to be connected. `runId` is what `rollback --run` takes. */
  'run:start': { runId: string; playbook: string; check: boolean };
  'play:start': { play: string; hosts: string[]; check: boolean };
  'host:unreachable': { host: string; message: string; hint?: string };
  'host:failed': { host: string; message: string; hint?: string };
  'task:start': { task: string; hosts: string[]; handler: boolean };
  'task:result': TaskResult;
  /** This host has every result (each loop item) of the task; others may still run. */
  'task:host-end': { task: string; host: string };
  /** Every host has its result for the task. */
  'task:end': { task: string };
  /** `exitCode`: Ansible's (0 ok, 2 a host failed, 3 a host unreachable). */
  'run:end': { runId: string; recap: Record<string, HostRecap>; durationMs: number; exitCode: number };
  /**
   * Progress that is not a task result (a rolling restart's steps, warnings). `wait`: the host now
   * waits for what the message says, for at most `timeoutMs` (a renderer may show the time spent).
   */
  info: { host?: string; message: string; wait?: { timeoutMs: number } };
  /** One change was made on a host (journaled), as it happens; shown with -v. */
  change: { host: string; task: string; summary: string };
  /** Detail for -vv (facts, plans) and -vvv (remote scripts, round-trip times); already masked. */
  debug: { host?: string; level: 2 | 3; message: string };
}

export class RunEmitter {
  private readonly ee = new EventEmitter();
  on<K extends keyof RunEvents>(name: K, fn: (e: RunEvents[K]) => void): this {
    this.ee.on(name, fn);
    return this;
  }
  emit<K extends keyof RunEvents>(name: K, e: RunEvents[K]): void {
    this.ee.emit(name, e);
  }
}
