/** `provision rollback`: undo the last run (or a named one and every later one) on each host. */
import { Command, InvalidArgumentError } from 'commander';
import { addConnectionFlags, addInventoryFlags, resolveCli, type AnsibleFlags } from './ansible-flags.ts';
import { colorsFor } from '../ui/color.ts';
import { SCHEMA_VERSION } from '../ui/json.ts';

/** Flags of `rollback` and `history` (a subset of the main command's, same meaning). */
export interface JournalFlags extends AnsibleFlags {
  limit?: string;
  forks?: number;
  json?: boolean;
  verbose: number;
}

interface RollbackFlags extends JournalFlags {
  run?: string;
  check?: boolean;
  force?: boolean;
  breakStaleLock?: boolean;
}

const positive = (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('give a whole number ≥ 1');
  return n;
};

/** The connection and host flags shared by `rollback` and `history`. */
export function addJournalFlags(cmd: Command): Command {
  return addConnectionFlags(addInventoryFlags(cmd))
    .option('-l, --limit <pattern>', 'restrict to hosts matching an Ansible pattern')
    .option('-f, --forks <n>', 'hosts in parallel (default 5, or forks in ansible.cfg)', positive)
    .option('--json', 'print one machine-readable JSON document')
    .option('-v, --verbose', 'more output; stack traces on errors', (_v: string, prev: number) => prev + 1, 0);
}

/** Inventory sources (required: -i or ansible.cfg), vault and connection defaults from the flags and ansible.cfg. */
export async function hostsFrom(f: JournalFlags) {
  const cli = await resolveCli(f);
  return {
    inventory: cli.inventory,
    vault: cli.vault,
    limit: f.limit,
    forks: cli.forks,
    connection: cli.connection,
  };
}

export function rollbackCommand(): Command {
  return addJournalFlags(
    new Command('rollback')
      .description(
        'undo the last run (or --run ID and every later run on each host), newest change first: ' +
          'files restored byte for byte, created paths removed, ports closed, services back to their old config',
      )
      .option('--run <id>', 'roll back this run and every later one (default: the last run)')
      .option('-C, --check', 'show what would be undone; change nothing, take no lock')
      .option('--force', 'overwrite files changed by someone else since the run')
      .option('--break-stale-lock', 'break a host lock whose run is no longer connected'),
  ).action(async (f: RollbackFlags) => {
    // Loaded when the command runs, not for --help (see main.ts).
    const [{ rollbackHosts }, { formatRollback }] = await Promise.all([import('../journal/rollback-hosts.ts'), import('../ui/report.ts')]);
    const summary = await rollbackHosts({
      ...(await hostsFrom(f)),
      run: f.run,
      check: f.check,
      force: f.force,
      breakStaleLock: f.breakStaleLock,
    });
    if (f.json) {
      const errors = summary.errors.map((e) => ({ host: e.host, message: e.error.message, hint: (e.error as { hint?: string }).hint }));
      process.stdout.write(`${JSON.stringify({ schemaVersion: SCHEMA_VERSION, kind: 'rollback', ...summary, errors }, null, 2)}\n`);
    } else {
      process.stdout.write(`${formatRollback(summary, colorsFor(process.stdout))}\n`);
    }
    process.exitCode = summary.exitCode;
  });
}
