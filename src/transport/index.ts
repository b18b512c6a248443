/**
 * Entry point of the transport layer: `connect` and the per-run `ConnectionPool`
 * (one connection per inventory host, opened on first use, shared by every task).
 */
import { SshTransport } from './ssh.ts';
import type { ConnectionSpec, Transport, TransportStats } from './types.ts';

export { SshTransport, MAX_CHANNELS } from './ssh.ts';
export { CONNECT_DEFAULTS } from './ssh-connect.ts';
export { checkHostKey, fingerprint, lookupName, namesMatch, readKnownHosts } from './known-hosts.ts';
export type { HostKeyCheck, HostKeyChecking, KnownHostEntry } from './known-hosts.ts';
export type { WriteOptions } from './remote-file.ts';
export type * from './types.ts';

/** Open an SSH transport to one host. */
export function connect(spec: ConnectionSpec): Promise<Transport> {
  return SshTransport.connect(spec);
}

/** Connects hosts on demand and keeps one connection per host name for the whole run. */
export class ConnectionPool {
  private readonly conns = new Map<string, Promise<Transport>>();

  /** @param open How to open a connection; tests and the lab may pass their own. */
  constructor(private readonly open: (spec: ConnectionSpec) => Promise<Transport> = connect) {}

  /**
   * The host's connection, opening it on first use. Concurrent callers share one attempt; a failed
   * attempt is forgotten so a later call retries.
   */
  get(spec: ConnectionSpec): Promise<Transport> {
    let p = this.conns.get(spec.name);
    if (!p) {
      p = this.open(spec);
      this.conns.set(spec.name, p);
      p.catch(() => {
        if (this.conns.get(spec.name) === p) this.conns.delete(spec.name);
      });
    }
    return p;
  }

  /** Whether a connection for this host name is open or being opened. */
  has(name: string): boolean {
    return this.conns.has(name);
  }

  /** Close one host's connection (e.g. after a reboot task). */
  async close(name: string): Promise<void> {
    const p = this.conns.get(name);
    this.conns.delete(name);
    const t = await p?.catch(() => undefined);
    await t?.close();
  }

  /** Summed counters of every connection in the pool. */
  async stats(): Promise<TransportStats> {
    const all = await Promise.allSettled([...this.conns.values()]);
    const sum: TransportStats = { connections: 0, roundTrips: 0, waitMs: 0, connectMs: 0 };
    for (const r of all) {
      if (r.status !== 'fulfilled') continue;
      sum.connections += r.value.stats.connections;
      sum.roundTrips += r.value.stats.roundTrips;
      sum.waitMs! += r.value.stats.waitMs ?? 0;
      sum.connectMs! += r.value.stats.connectMs ?? 0;
    }
    return sum;
  }

  /** Close every connection; never throws. */
  async closeAll(): Promise<void> {
    const all = [...this.conns.values()];
    this.conns.clear();
    await Promise.allSettled(all.map(async (p) => (await p).close()));
  }
}
