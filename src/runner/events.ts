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
  unreachable: boolean;
  /** Round trips and connections the transport counted for this host. */
  roundTrips: number;
  connections: number;
}

export interface RunEvents {
  'play:start': { play: string; hosts: string[]; check: boolean };
  'host:unreachable': { host: string; message: string; hint?: string };
  'host:failed': { host: string; message: string; hint?: string };
  'task:start': { task: string; hosts: string[]; handler: boolean };
  'task:result': TaskResult;
  /** Every host has its result for the task. */
  'task:end': { task: string };
  'run:end': { recap: Record<string, HostRecap>; durationMs: number };
  /** Progress that is not a task result (lock taken, run record opened). */
  info: { host?: string; message: string };
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
