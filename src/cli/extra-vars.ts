/**
 * `-e`, `--extra-vars-file` and `--secret-vars-file`: every value is parsed here, and anything that
 * is not a mapping of variables is a UsageError naming the flag and the value (exit 5), never a parser's stack.
 */
import { readFile } from 'node:fs/promises';
import { LineCounter, parseDocument } from 'yaml';
import { UsageError } from '../core/errors.ts';
import { pyyamlTags } from '../core/pyyaml.ts';

/** Variables from the command line, and where each was set (for errors about a variable's value). */
export interface CliVars {
  vars: Record<string, unknown>;
  /** Variable name → `-e name=…`, `--extra-vars-file vars.yml:3`, … (the last setting wins, as for the values). */
  origins: Record<string, string>;
}

const E_HINT = 'write -e key=value, -e \'{"key": 1}\' (JSON or YAML) or -e @vars.yml';
const short = (s: string) => (s.length > 60 ? `${s.slice(0, 57)}...` : s);

/** Parse YAML/JSON text that must be a mapping; `what` names the flag and value in every error. */
function parseMapping(
  text: string,
  what: string,
  hint: string,
  file?: string,
): { vars: Record<string, unknown>; lines: Record<string, number> } {
  const lc = new LineCounter();
  // As Ansible's loader (PyYAML, YAML 1.1): `{"a": yes}` and a vars file's `yes` are booleans; `-e a=yes` stays text.
  const doc = parseDocument(text, { version: '1.1', customTags: pyyamlTags, lineCounter: lc, prettyErrors: false });
  const err = doc.errors[0];
  if (err) {
    const { line, col } = lc.linePos(err.pos[0]);
    const reason = err.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
    const where = file ? `${file}:${line}:${col}` : `line ${line}, column ${col}`;
    throw new UsageError(`${what}: not valid YAML/JSON (${where}: ${reason})`, {
      hint,
      pos: file ? { file, line, column: col } : undefined,
    });
  }
  const v = doc.toJS() as unknown;
  if (v === null || v === undefined) return { vars: {}, lines: {} };
  if (typeof v !== 'object' || Array.isArray(v))
    throw new UsageError(`${what}: must be a mapping of variables (name: value), not ${Array.isArray(v) ? 'a list' : typeof v}`, { hint });
  const lines: Record<string, number> = {};
  const contents = doc.contents as { items?: { key?: { value?: unknown; range?: [number] } }[] } | null;
  for (const item of contents?.items ?? []) {
    if (item.key?.range && typeof item.key.value === 'string') lines[item.key.value] = lc.linePos(item.key.range[0]).line;
  }
  return { vars: v as Record<string, unknown>, lines };
}

/** A variables file given to `flag` (`@file` for -e). */
async function varsFile(flag: string, path: string): Promise<CliVars> {
  const p = path.startsWith('@') ? path.slice(1) : path;
  let text: string;
  try {
    text = await readFile(p, 'utf8');
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code ?? String(cause);
    throw new UsageError(`${flag} ${path}: cannot read ${p} (${code})`, { hint: `check the path given to ${flag}` });
  }
  const { vars, lines } = parseMapping(text, `${flag} ${path}`, `fix the YAML in ${p}: a mapping of name: value`, p);
  const origins = Object.fromEntries(Object.keys(vars).map((k) => [k, lines[k] ? `${flag} ${p}:${lines[k]}` : `${flag} ${p}`]));
  return { vars, origins };
}

/** One `-e` value: `k=v k2=v2`, a JSON/YAML `{…}`, or `@file`. */
async function oneExtra(item: string): Promise<CliVars> {
  if (item.startsWith('@')) return varsFile('--extra-vars', item);
  // An origin names the variable, never the -e text: it may hold other (secret) values.
  if (item.trim().startsWith('{')) {
    const { vars } = parseMapping(item, `--extra-vars '${short(item)}'`, E_HINT);
    return { vars, origins: Object.fromEntries(Object.keys(vars).map((k) => [k, `-e '{"${k}": …}'`])) };
  }
  const vars: Record<string, unknown> = {};
  for (const pair of item.split(/\s+/).filter(Boolean)) {
    const i = pair.indexOf('=');
    if (i < 1) throw new UsageError(`--extra-vars: \`${pair}\` is not key=value`, { hint: E_HINT });
    vars[pair.slice(0, i)] = pair.slice(i + 1);
  }
  return { vars, origins: Object.fromEntries(Object.keys(vars).map((k) => [k, `-e ${k}=…`])) };
}

/** Every command-line variable, in Ansible's order (later wins); secret values are listed for masking. */
export async function cliVars(f: {
  extraVars: string[];
  extraVarsFile: string[];
  secretVarsFile: string[];
}): Promise<CliVars & { secrets: string[] }> {
  const out: CliVars & { secrets: string[] } = { vars: {}, origins: {}, secrets: [] };
  const add = (c: CliVars) => {
    Object.assign(out.vars, c.vars);
    Object.assign(out.origins, c.origins);
  };
  for (const item of f.extraVars) add(await oneExtra(item));
  for (const file of f.extraVarsFile) add(await varsFile('--extra-vars-file', file));
  for (const file of f.secretVarsFile) {
    const c = await varsFile('--secret-vars-file', file);
    add(c);
    out.secrets.push(...Object.values(c.vars).map(String));
  }
  return out;
}
