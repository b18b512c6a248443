/** The main command: run a playbook against an inventory, Ansible-style. */
import { UsageError } from '../core/errors.ts';
import { dirname } from 'node:path';
import { loadInventory } from '../inventory/load.ts';
import { loadPlaybook } from '../playbook/load.ts';
import { startAtTask } from '../runner/start-at.ts';
import { ansibleSettings } from './ansible-cfg.ts';
import { resolveCli, type AnsibleFlags } from './ansible-flags.ts';
import { cliVars } from './extra-vars.ts';
import { listPlaybook } from './list-playbook.ts';
import { loadOperations } from '../ops/registry.ts';
import { RunEmitter } from '../runner/events.ts';
import { rollbackHost, type HostRollback } from '../journal/rollback.ts';
import { runPlaybook } from '../runner/run.ts';
import { colorsFor } from '../ui/color.ts';
import { attachJson } from '../ui/json.ts';
import { attachLines } from '../ui/lines.ts';

/** A rollback that did not put the host back is an error, with the step that failed (the runner then says so). */
function putBack(r: HostRollback): HostRollback {
  if (r.outcome !== 'failed') return r;
  const step = r.items.find((x) => x.status === 'failed');
  const why = step ? `; it failed at: ${step.text}${step.output ? ` (${step.output.split('\n').slice(-2).join(' ')})` : ''}` : '';
  throw new Error(`${r.message}${why}`);
}

export interface RunFlags extends AnsibleFlags {
  check?: boolean;
  diff?: boolean;
  forks?: number;
  limit?: string;
  tags?: string;
  skipTags?: string;
  extraVars: string[];
  extraVarsFile: string[];
  secretVarsFile: string[];
  breakStaleLock?: boolean;
  rollbackOnFailure?: boolean;
  keepFailed?: boolean;
  json?: boolean;
  verbose: number;
  listHosts?: boolean;
  listTasks?: boolean;
  listTags?: boolean;
  syntaxCheck?: boolean;
  startAtTask?: string;
  step?: boolean;
}

const split = (s?: string) =>
  s
    ? s
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean)
    : [];

/** `--syntax-check` and the `--list-*` flags: load, print, connect nowhere. */
async function listOnly(playbook: string, f: RunFlags): Promise<number> {
  // As ansible-playbook, the listings ignore --start-at-task (it only checks that the task exists).
  const pb = await loadPlaybook(playbook, await loadOperations(), { rolesPath: ansibleSettings().rolesPath });
  startAtTask(pb, f.startAtTask);
  if (f.syntaxCheck && !f.listHosts && !f.listTasks && !f.listTags) {
    process.stdout.write(`\nplaybook: ${playbook}\n`);
    return 0;
  }
  const cli = f.listHosts ? await resolveCli(f) : undefined;
  const inv = cli ? await loadInventory(cli.inventory, { playbookDir: dirname(playbook), vault: cli.vault }) : undefined;
  process.stdout.write(`${listPlaybook(pb, inv, f.limit, { hosts: f.listHosts, tasks: f.listTasks, tags: f.listTags }, playbook)}\n`);
  return 0;
}

export async function runCommand(playbook: string, f: RunFlags): Promise<number> {
  if (f.keepFailed && f.rollbackOnFailure) {
    throw new UsageError('--keep-failed and --rollback-on-failure ask for opposite things', {
      hint: 'a failed host is rolled back by default; give --keep-failed alone to leave it for inspection',
    });
  }
  if (f.syntaxCheck || f.listHosts || f.listTasks || f.listTags) return listOnly(playbook, f);
  const cli = await resolveCli(f);
  const ops = await loadOperations();
  const { vars: extra, origins, secrets } = await cliVars(f);
  const emitter = new RunEmitter();
  const write = (s: string) => process.stdout.write(`${s}\n`);
  let flush = async () => {};
  const colors = colorsFor(process.stdout);
  if (f.json) attachJson(emitter, write, { playbook, inventory: cli.inventory.join(','), check: !!f.check, diff: !!f.diff });
  // The live view moves the cursor: without colour (NO_COLOR, --no-color) a terminal gets the plain lines, free of any escape.
  // --step asks between tasks: the plain lines, which a question cannot garble.
  else if (process.stdout.isTTY && colors.enabled && !process.env.CI && f.verbose === 0 && !f.step)
    // The progress UI (listr2) loads only for a terminal: --json and plain lines never need it.
    flush = (await import('../ui/tty.ts')).attachTty(emitter, { diff: !!f.diff, colors, write }).flush;
  else attachLines(emitter, { diff: !!f.diff, verbose: f.verbose, colors, write });
  const interrupt = onInterrupt(emitter);
  const summary = await runPlaybook({
    inventory: cli.inventory,
    vault: cli.vault,
    startAtTask: f.startAtTask,
    ...(f.step ? { step: (await import('./step-prompt.ts')).askStep } : {}),
    playbook,
    ...(cli.settings.rolesPath ? { rolesPath: cli.settings.rolesPath } : {}),
    ops,
    emitter,
    check: f.check,
    forks: cli.forks,
    limit: f.limit,
    tags: { tags: split(f.tags), skipTags: split(f.skipTags) },
    extraVars: extra,
    extraVarOrigins: origins,
    secrets,
    breakStaleLock: f.breakStaleLock,
    // No half-done host: one that fails while applying is put back (rolling, for a rolling unit) unless --keep-failed.
    rollbackOnFailure: f.keepFailed ? undefined : (t, host, runId, peers) => rollbackHost(t, host, runId, { peers }).then(putBack),
    connection: cli.connection,
    interrupt: interrupt.signal,
    debug: f.json ? 0 : f.verbose,
  }).finally(interrupt.dispose);
  await flush();
  return summary.exitCode;
}

/**
 * Ctrl-C (SIGINT) or SIGTERM once: stop starting changes and let the run close cleanly (locks
 * released, run recorded as interrupted, exit 130). A second one exits at once; the host's lock
 * is then stale, which the next run recognises (`--break-stale-lock`).
 */
function onInterrupt(emitter: RunEmitter): { signal: AbortSignal; dispose: () => void } {
  const ac = new AbortController();
  const handler = (sig: NodeJS.Signals) => {
    if (ac.signal.aborted) {
      process.stderr.write(`\n${sig} again: stopping at once; a host's lock may be left stale (the next run says so)\n`);
      process.exit(130);
    }
    ac.abort();
    emitter.emit('info', {
      message: `${sig}: stopping — the changes in flight finish, nothing new starts, then the locks are released (again to abort at once)`,
    });
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return {
    signal: ac.signal,
    dispose: () => {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    },
  };
}
