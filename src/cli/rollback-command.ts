/** `provision rollback`: undo the last run (or a named one and every later one) on each host. */
import { Command, InvalidArgumentError, Option } from 'commander';
import { UsageError } from '../core/errors.ts';
import { DEFAULT_FORKS } from '../core/forks.ts';
import { colorsFor } from '../ui/color.ts';
import { SCHEMA_VERSION } from '../ui/json.ts';

/** Flags of `rollback` and `history` (a subset of the main command's, same meaning). */
export interface JournalFlags {
  inventory?: string;
  limit?: string;
  forks: number;
  json?: boolean;
  verbose: number;
  hostKeyChecking?: 'strict' | 'accept-new' | 'off';
  user?: string;
  privateKey?: string;
  become?: boolean;
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
  return cmd
    .option('-i, --inventory <file>', 'Ansible YAML inventory (required)')
    .option('-l, --limit <pattern>', 'restrict to hosts matching an Ansible pattern')
    .option('-f, --forks <n>', 'hosts in parallel', positive, DEFAULT_FORKS)
    .addOption(
      new Option(
        '--host-key-checking <mode>',
        'known_hosts policy when the inventory sets no provision_host_key_checking (default: strict)',
      ).choices(['strict', 'accept-new', 'off']),
    )
    .option('-u, --user <user>', 'SSH user when the inventory sets no ansible_user')
    .option('--private-key <file>', 'SSH key when the inventory sets no ansible_ssh_private_key_file')
    .option('-b, --become', 'use sudo on the hosts (when the inventory sets no ansible_become)')
    .option('--json', 'print one machine-readable JSON document')
    .option('-v, --verbose', 'more output; stack traces on errors', (_v: string, prev: number) => prev + 1, 0);
}

/** Inventory path (required) and connection defaults from the flags. */
export async function hostsFrom(f: JournalFlags) {
  if (!f.inventory) throw new UsageError('no inventory given', { hint: 'pass --inventory hosts.yml (the inventory the run used)' });
  // Loaded here, not at the top: it brings the YAML parser, which --help does not need.
  const { connectionDefaultsFromFlags } = await import('../inventory/connection.ts');
  return {
    inventory: f.inventory,
    limit: f.limit,
    forks: f.forks,
    connection: connectionDefaultsFromFlags(f),
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
