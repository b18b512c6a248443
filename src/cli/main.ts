/**
 * `provision`: the command line. Prints the message and hint of an error, never a stack trace unless -v.
 * Importing it runs nothing: bin/provision.js calls `main()`. Only the option definitions load up
 * front; each command imports its work (runner, templating, XML, schemas, UI, lab) when it runs,
 * so `--help` and a bad flag cost little more than starting node.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { ProvisionError, UsageError } from '../core/errors.ts';
import { labCommand } from '../lab/cli.ts';
import { colorsFor, disableColor } from '../ui/color.ts';
import { formatError } from '../ui/format.ts';
import { errorDocument } from '../ui/json.ts';
import { findConfig } from './ansible-cfg.ts';
import { addConnectionFlags, addInventoryFlags } from './ansible-flags.ts';
import { inventoryCommand } from './inventory-command.ts';
import { DEFAULT_PLAYBOOK, ROOT } from './paths.ts';
import type { RunFlags } from './run-command.ts';
import { verifyCommand } from './verify-command.ts';
import { historyCommand } from './history-command.ts';
import { rollbackCommand } from './rollback-command.ts';

const positive = (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('give a whole number ≥ 1');
  return n;
};
const collect = (v: string, prev: string[]) => [...prev, v];

let verbose = 0;

/** `--version`, in ansible-playbook's layout: the version, then the config file in use. */
function versionText(): string {
  const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
  let config: string;
  try {
    config = findConfig() ?? 'None';
  } catch {
    config = 'None';
  }
  return [`provision ${version}`, `  config file = ${config}`, `  node version = ${process.version}`].join('\n');
}

/** The whole command line (commander), without running it. */
export function buildProgram(): Command {
  const program = new Command('provision')
    .description(
      'Ansible-style provisioning over plain SSH, with real rollback.\n' +
        'Without a playbook it runs the recipe: Apache load-balancing clustered Tomcats (playbooks/tomcat-cluster.yml).\n' +
        'Settings not given as flags come from ansible.cfg and ANSIBLE_* variables, as in Ansible (docs/ansible.md).',
    )
    .version(versionText(), '--version', 'show the version and the ansible.cfg in use')
    .argument('[playbook]', 'playbook to run (default: the recipe, playbooks/tomcat-cluster.yml)');
  addInventoryFlags(program)
    .option('-C, --check', 'plan only: every task says ok or would change; nothing is written, no lock is taken')
    .option('-D, --diff', 'show a unified diff of every file change (secrets masked)')
    .option('-f, --forks <n>', 'hosts in parallel (default 5, or forks in ansible.cfg)', positive)
    .option('-l, --limit <pattern>', 'restrict to hosts matching an Ansible pattern (host, group, a:b, a:&b, a:!b)')
    .option('-t, --tags <tags>', 'only tasks with these tags (comma-separated)')
    .option('--skip-tags <tags>', 'skip tasks with these tags (comma-separated)')
    .option('--start-at-task <name>', 'start at the first task of this name (a glob works); earlier tasks do not run')
    .option(
      '--step',
      'ask before each task and handler whether to perform it: (N)o/(y)es/(c)ontinue (from the terminal, or a line of stdin each)',
    )
    .option('--list-hosts', 'list the hosts of each play (after --limit) and exit; connects nowhere')
    .option('--list-tasks', 'list the tasks of each play and exit')
    .option('--list-tags', 'list the tags of each play and exit')
    .option('--syntax-check', 'load and check the playbook (every task, argument and notify) and exit')
    .option('-e, --extra-vars <vars>', 'key=value, JSON/YAML mapping, or @file (repeatable; highest precedence)', collect, [])
    .option('--extra-vars-file <file>', 'YAML file of variables (repeatable)', collect, [])
    .option('--secret-vars-file <file>', 'YAML file of secret variables: their values are masked in all output (repeatable)', collect, []);
  addConnectionFlags(program)
    .option('--break-stale-lock', 'break a host lock whose run is no longer connected')
    .option('--keep-failed', 'leave a host that failed while applying as it is, for inspection (default: it is rolled back)')
    .option('--rollback-on-failure', 'roll a failed host back to where this run found it (the default; kept for old scripts)')
    .option('--json', 'print one versioned JSON document instead of progress (docs/json.md); diffs only with --diff')
    .option(
      '-v, --verbose',
      '-v each change as it is made, -vv facts and plans, -vvv remote scripts and round-trip times; stack traces on errors',
      (_v: string, prev: number) => prev + 1,
      0,
    )
    .enablePositionalOptions()
    .showHelpAfterError('(run provision --help for usage)')
    .exitOverride()
    .action(async (playbook: string | undefined, f: RunFlags) => {
      verbose = f.verbose;
      const { runCommand } = await import('./run-command.ts');
      process.exitCode = await runCommand(playbook ?? DEFAULT_PLAYBOOK, f);
    });
  program.addCommand(inventoryCommand().exitOverride());
  program.addCommand(verifyCommand().exitOverride());
  program.addCommand(rollbackCommand().exitOverride());
  program.addCommand(historyCommand().exitOverride());
  program.addCommand(labCommand().exitOverride());
  // Every command takes --no-color (main() reads it before parsing: it applies to errors too).
  const all = (c: Command): Command[] => [c, ...c.commands.flatMap(all)];
  for (const cmd of all(program)) cmd.option('--no-color', 'no colour in the output (as NO_COLOR=1)');
  return program;
}

/** Run the CLI on `argv` (bin/provision.js calls this); sets `process.exitCode`, never throws. */
export async function main(argv = process.argv): Promise<void> {
  if (argv.includes('--no-color')) disableColor();
  // `--json`: an error that stops the command is a JSON document on stdout too (schema/output.schema.json).
  const json = argv.includes('--json');
  const command = ['verify', 'rollback', 'history', 'lab'].find((c) => argv[2] === c) ?? 'run';
  try {
    await buildProgram().parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      // Commander already printed its message; Ansible's exit code for bad options is 5.
      process.exitCode = err.exitCode === 0 ? 0 : 5;
      if (json && process.exitCode)
        process.stdout.write(`${JSON.stringify(errorDocument(command, new UsageError(err.message), 5), null, 2)}\n`);
      return;
    }
    const code = err instanceof ProvisionError ? err.exitCode : 1;
    process.stderr.write(
      `${formatError(err, verbose > 0 || argv.includes('-v') || argv.includes('--verbose'), colorsFor(process.stderr))}\n`,
    );
    if (json) process.stdout.write(`${JSON.stringify(errorDocument(command, err, code), null, 2)}\n`);
    process.exitCode = code;
  }
}
