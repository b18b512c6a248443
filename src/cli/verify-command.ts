/** `provision verify`: prove the cluster works, without downtime; a table and a non-zero exit on failure. */
import { Command } from 'commander';
import { UsageError } from '../core/errors.ts';
import { connectionSpecFor } from '../inventory/connection.ts';
import { ConnectionPool } from '../transport/index.ts';
import { instanceChecks, sessionChecks, type CheckRow } from '../verify/checks.ts';
import { loadTargets } from '../verify/targets.ts';
import { DEFAULT_PLAYBOOK } from './paths.ts';

function table(rows: CheckRow[]): string {
  const w = [7, Math.max(6, ...rows.map((r) => r.target.length)), 6];
  const line = (c: string[]) => c.map((x, i) => x.padEnd(w[i] ?? 0)).join('  ');
  return [
    line(['CHECK', 'TARGET', 'RESULT', 'DETAIL']),
    ...rows.map((r) => line([r.check, r.target, r.ok ? 'ok' : 'FAILED', r.detail])),
  ].join('\n');
}

export function verifyCommand(): Command {
  return new Command('verify')
    .description(
      'prove the cluster works without downtime: each Tomcat answers, sees the other members, and reads a session made through Apache',
    )
    .argument('[playbook]', 'the playbook whose variables describe the cluster (default: the recipe)')
    .option('-i, --inventory <file>', 'Ansible YAML inventory (required)')
    .option('--json', 'print the checks as JSON')
    .action(async (playbook: string | undefined, f: { inventory?: string; json?: boolean }) => {
      if (!f.inventory) throw new UsageError('no inventory given', { hint: 'pass --inventory hosts.yml' });
      const t = await loadTargets(f.inventory, playbook ?? DEFAULT_PLAYBOOK, {});
      const pool = new ConnectionPool();
      const conn = (host: string) => pool.get(connectionSpecFor(t.inv.hosts.get(host)!, {}, t.vars[host]));
      try {
        const path = new URL(t.apaches[0]?.url ?? 'http://x/counter/').pathname;
        const rows = await instanceChecks(t.instances, path, conn);
        for (const a of t.apaches) rows.push(...(await sessionChecks(a, t.instances, path, conn)));
        process.stdout.write(f.json ? `${JSON.stringify(rows, null, 2)}\n` : `${table(rows)}\n`);
        const failed = rows.filter((r) => !r.ok);
        if (failed.length) {
          process.stderr.write(`verify failed: ${[...new Set(failed.map((r) => r.target))].join(', ')}\n`);
          process.exitCode = 2;
        }
      } finally {
        await pool.closeAll();
      }
    });
}
