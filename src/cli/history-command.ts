/** `provision history`: per host, the journaled runs with id, time, user, playbook, changes and status. */
import { Command } from 'commander';
import type { HistoryRow } from '../journal/history.ts';
import { colorsFor } from '../ui/color.ts';
import { SCHEMA_VERSION } from '../ui/json.ts';
import { addJournalFlags, hostsFrom, type JournalFlags } from './rollback-command.ts';

export function historyCommand(): Command {
  return addJournalFlags(
    new Command('history').description(
      'list the runs journaled on each host, newest first: id, time, user@control, playbook, changed, ' +
        'status (complete, failed, interrupted, rolled-back, running)',
    ),
  ).action(async (f: JournalFlags) => {
    // Loaded when the command runs, not for --help (see main.ts).
    const [{ readHistory }, { withHosts }, { formatHistory }] = await Promise.all([
      import('../journal/history.ts'),
      import('../journal/hosts.ts'),
      import('../ui/report.ts'),
    ]);
    const rows = await withHosts(await hostsFrom(f), async (hosts) => {
      const out = new Map<string, HistoryRow[] | Error>();
      // One round trip per host; hosts answer in parallel.
      await Promise.all(
        hosts.map(async (h) => out.set(h.name, h.error ?? (await readHistory(h.transport!, h.name).catch((e: Error) => e)))),
      );
      return new Map(hosts.map((h) => [h.name, out.get(h.name)!]));
    });
    if (f.json) {
      // Newest first, as the text.
      const hosts = Object.fromEntries(
        [...rows].map(([h, r]) => [
          h,
          r instanceof Error
            ? { error: { message: r.message, ...((r as { hint?: string }).hint ? { hint: (r as { hint?: string }).hint } : {}) } }
            : { runs: [...r].reverse() },
        ]),
      );
      process.stdout.write(`${JSON.stringify({ schemaVersion: SCHEMA_VERSION, kind: 'history', hosts }, null, 2)}\n`);
    } else {
      process.stdout.write(`${formatHistory(rows, colorsFor(process.stdout))}\n`);
    }
    process.exitCode = [...rows.values()].some((r) => r instanceof Error) ? 3 : 0;
  });
}
