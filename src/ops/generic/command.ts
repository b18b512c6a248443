/**
 * `command` and `shell` (like Ansible's): run something on the host. `command` quotes every word
 * (no shell syntax), `shell` passes `cmd` to /bin/sh as written. Guards (`creates`, `removes`,
 * `unless`) make them idempotent; without a guard they change on every run, as in Ansible.
 */
import { posix } from 'node:path';
import type { Change } from '../../core/change.ts';
import { quote, sh } from '../../core/quote.ts';
import { fact, type FactRequest } from '../../facts/types.ts';
import { defineOperation, type OperationDef } from '../types.ts';
import { nonEmpty, objectSchema } from './common.ts';
import { getFact } from './get-fact.ts';
import { shlexSplit } from './shlex.ts';

export interface CommandArgs {
  /** The command line. `command`: split into words like a shell would, then each quoted; `shell`: run as written. */
  cmd?: string;
  /** `command` only: the words, each quoted (no splitting). */
  argv?: string[];
  /** Skip when this path exists on the host (relative paths are under `chdir`). */
  creates?: string;
  /** Skip when this path does not exist. */
  removes?: string;
  /** Skip when this shell command exits 0 (it runs in `chdir` too, while facts are gathered). */
  unless?: string;
  /** Run in this directory. */
  chdir?: string;
  /** Shell command that undoes it, for rollback. */
  undo?: string;
  /** Run it as this user (`su -s /bin/sh USER -c`): what the task keyword `become_user` sets. */
  become_user?: string;
}

/** As another user: the whole command (its `cd` too) through `su`, as services' commands are run. */
function asUser(a: CommandArgs, command: string): string {
  return a.become_user && a.become_user !== 'root' ? sh`su -s /bin/sh ${a.become_user} -c ${command}`.text : command;
}

function under(a: CommandArgs, p: string): string {
  return a.chdir ? posix.resolve(a.chdir, p) : p;
}

/** Run in `chdir`; shell text goes to its own `sh -c` so `;` or `||` in it cannot escape the `cd`. */
function inDir(a: CommandArgs, command: string, isShell = true): string {
  if (!a.chdir) return command;
  return `cd ${quote(a.chdir)} && ${isShell ? `sh -c ${quote(command)}` : command}`;
}

function guardFacts(a: CommandArgs): FactRequest[] {
  const reqs: FactRequest[] = [];
  if (a.creates) reqs.push(fact.file(under(a, a.creates)));
  if (a.removes) reqs.push(fact.file(under(a, a.removes)));
  if (a.unless) reqs.push(fact.command(inDir(a, a.unless)));
  return reqs;
}

function make(name: 'command' | 'shell', build: (a: CommandArgs) => string): OperationDef<CommandArgs> {
  const guards = {
    creates: nonEmpty,
    removes: nonEmpty,
    unless: nonEmpty,
    chdir: { type: 'string', pattern: '^/' },
    undo: nonEmpty,
    become_user: nonEmpty,
  };
  const schema =
    name === 'command'
      ? objectSchema({ cmd: nonEmpty, argv: { type: 'array', items: { type: 'string' }, minItems: 1 }, ...guards }, [], {
          oneOf: [{ required: ['cmd'] }, { required: ['argv'] }],
          description: 'give exactly one of cmd or argv',
        })
      : objectSchema({ cmd: nonEmpty, ...guards }, ['cmd']);
  return defineOperation<CommandArgs>({
    name,
    schema,
    facts: guardFacts,
    plan(a, facts) {
      const shown = a.cmd ?? (a.argv ?? []).join(' ');
      if (a.creates && getFact.file(facts, under(a, a.creates)).exists) {
        return { changes: [], okMessage: `${under(a, a.creates)} exists (creates), so "${shown}" is not run` };
      }
      if (a.removes && !getFact.file(facts, under(a, a.removes)).exists) {
        return { changes: [], okMessage: `${under(a, a.removes)} does not exist (removes), so "${shown}" is not run` };
      }
      if (a.unless && getFact.command(facts, inDir(a, a.unless)).code === 0) {
        return { changes: [], okMessage: `"${a.unless}" exited 0 (unless), so "${shown}" is not run` };
      }
      const guarded = Boolean(a.creates || a.removes || a.unless);
      const change: Change = {
        kind: 'exec',
        command: asUser(a, inDir(a, build(a), name === 'shell')),
        summary:
          `run ${shown}${a.chdir ? ` in ${a.chdir}` : ''}${a.become_user ? ` as ${a.become_user}` : ''}` +
          (guarded ? '' : ' (no creates/removes/unless guard: runs on every run)'),
        ...(a.undo ? { undo: inDir(a, a.undo) } : {}),
        ...(a.creates ? { creates: under(a, a.creates) } : {}),
      };
      return { changes: [change], okMessage: '' };
    },
  });
}

export const commandOp = make('command', (a) => sh`${a.argv ?? shlexSplit(a.cmd as string)}`.text);
export const shellOp = make('shell', (a) => a.cmd as string);
