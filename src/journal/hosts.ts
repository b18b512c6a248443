/**
 * Connecting the hosts of `rollback` and `history` the way a run does: the inventory, `--limit`,
 * each host's rendered variables, `connectionSpecFor`, one pooled connection per host.
 */
import { forkLimit, type ForkLimit } from '../core/forks.ts';
import { ConnectError } from '../core/errors.ts';
import { connectionSpecFor, type ConnectionDefaults } from '../inventory/connection.ts';
import { selectHosts } from '../inventory/limit.ts';
import { loadInventory, type Inventory } from '../inventory/load.ts';
import type { VaultKeyring } from '../inventory/vault.ts';
import { playVars } from '../vars/play-vars.ts';
import { ConnectionPool } from '../transport/index.ts';
import type { ConnectionSpec, Transport } from '../transport/types.ts';

/** Which hosts and how to reach them. */
export interface HostsOptions {
  /** Inventory sources, as for a run. */
  inventory: string | string[];
  vault?: VaultKeyring;
  /** An Ansible pattern restricting the hosts (default: all). */
  limit?: string;
  /** Hosts in parallel (default `DEFAULT_FORKS`). */
  forks?: number;
  connection?: ConnectionDefaults;
  /** Open connections (tests may wrap them). */
  open?: (spec: ConnectionSpec) => Promise<Transport>;
}

export interface ConnectedHost {
  name: string;
  vars: Record<string, unknown>;
  transport?: Transport;
  /** Why the host could not be reached. */
  error?: ConnectError;
}

/**
 * Connect every selected host (in parallel up to forks), call `fn` on each reachable one, then
 * close every connection. Unreachable hosts are passed with their error, and the limiter of forks
 * hosts at once for `fn`'s own stages.
 */
export async function withHosts<T>(
  o: HostsOptions,
  fn: (hosts: ConnectedHost[], inv: Inventory, limit: ForkLimit) => Promise<T>,
): Promise<T> {
  const inv = await loadInventory(o.inventory, { vault: o.vault });
  const names = selectHosts(inv, o.limit);
  const pool = new ConnectionPool(o.open);
  const limit = forkLimit(o.forks);
  // Variables exactly as a run renders them (lazily, with Ansible's magic variables), no play's own.
  const allVars = playVars(inv, { defaults: {}, vars: {} }, {}, names);
  try {
    const hosts = await Promise.all(
      names.map((name) =>
        limit(async (): Promise<ConnectedHost> => {
          const h = inv.hosts.get(name)!;
          const vars = allVars[name]!;
          try {
            return { name, vars, transport: await pool.get(connectionSpecFor(h, o.connection, vars)) };
          } catch (err) {
            if (!(err instanceof ConnectError)) throw err;
            return { name, vars, error: err };
          }
        }),
      ),
    );
    return await fn(hosts, inv, limit);
  } finally {
    await pool.closeAll();
  }
}
