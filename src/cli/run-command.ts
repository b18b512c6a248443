/** The main command: run a playbook against an inventory, Ansible-style. */
import { connectionDefaultsFromFlags } from '../inventory/connection.ts';
import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { UsageError } from '../core/errors.ts';
import { loadOperations } from '../ops/registry.ts';
import { RunEmitter } from '../runner/events.ts';
import { rollbackHost } from '../journal/rollback.ts';
import { runPlaybook } from '../runner/run.ts';
import { ansi, plain } from '../ui/format.ts';
import { attachJson } from '../ui/json.ts';
import { attachLines } from '../ui/lines.ts';
import { attachTty } from '../ui/tty.ts';

export interface RunFlags {
  inventory: string;
  check?: boolean;
  diff?: boolean;
  forks: number;
  limit?: string;
  tags?: string;
  skipTags?: string;
  extraVars: string[];
  extraVarsFile: string[];
  secretVarsFile: string[];
  hostKeyChecking?: 'strict' | 'accept-new' | 'off';
  breakStaleLock?: boolean;
  rollbackOnFailure?: boolean;
  user?: string;
  privateKey?: string;
  become?: boolean;
  json?: boolean;
  verbose: number;
}

async function varsFile(path: string): Promise<Record<string, unknown>> {
  const p = path.startsWith('@') ? path.slice(1) : path;
  let text: string;
  try {
    text = await readFile(p, 'utf8');
  } catch {
    throw new UsageError(`cannot read variables file ${p}`, { hint: 'check the path given to --extra-vars/--extra-vars-file' });
  }
  const v = parseYaml(text) as unknown;
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw new UsageError(`${p} must hold a YAML/JSON mapping of variables`);
  return v as Record<string, unknown>;
}

/** Ansible's -e: `k=v k2=v2`, JSON/YAML `{…}`, or `@file`. */
async function extraVars(list: string[]): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const item of list) {
    if (item.startsWith('@')) Object.assign(out, await varsFile(item));
    else if (item.trim().startsWith('{')) Object.assign(out, parseYaml(item) as object);
    else {
      for (const pair of item.split(/\s+/).filter(Boolean)) {
        const i = pair.indexOf('=');
        if (i < 1)
          throw new UsageError(`--extra-vars: \`${pair}\` is not key=value`, {
            hint: 'write -e key=value, -e \'{"key": 1}\' or -e @vars.yml',
          });
        out[pair.slice(0, i)] = pair.slice(i + 1);
      }
    }
  }
  return out;
}

const split = (s?: string) =>
  s
    ? s
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean)
    : [];

export async function runCommand(playbook: string, f: RunFlags): Promise<number> {
  const ops = await loadOperations();
  const extra = await extraVars(f.extraVars);
  for (const file of f.extraVarsFile) Object.assign(extra, await varsFile(file));
  const secrets: string[] = [];
  for (const file of f.secretVarsFile) {
    const v = await varsFile(file);
    Object.assign(extra, v);
    secrets.push(...Object.values(v).map(String));
  }
  const emitter = new RunEmitter();
  const write = (s: string) => process.stdout.write(`${s}\n`);
  let flush = async () => {};
  if (f.json) attachJson(emitter, write, { playbook, inventory: f.inventory, check: !!f.check });
  else if (process.stdout.isTTY && !process.env.CI && f.verbose === 0) flush = attachTty(emitter, { diff: !!f.diff, write }).flush;
  else attachLines(emitter, { diff: !!f.diff, verbose: f.verbose, colors: process.stdout.isTTY ? ansi : plain, write });
  const summary = await runPlaybook({
    inventory: f.inventory,
    playbook,
    ops,
    emitter,
    check: f.check,
    forks: f.forks,
    limit: f.limit,
    tags: { tags: split(f.tags), skipTags: split(f.skipTags) },
    extraVars: extra,
    secrets,
    breakStaleLock: f.breakStaleLock,
    rollbackOnFailure: f.rollbackOnFailure ? (t, host, runId, peers) => rollbackHost(t, host, runId, { peers }) : undefined,
    connection: connectionDefaultsFromFlags(f),
  });
  await flush();
  return summary.exitCode;
}
