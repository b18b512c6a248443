/**
 * Ansible's INI inventory (the `ini` inventory plugin of ansible-core): `[group]` sections of host
 * lines with inline `key=value` variables, `[group:vars]` and `[group:children]` sections, host
 * ranges, `#`/`;` comments, and values typed by Python's literal_eval. Errors carry file:line:column.
 */
import type { SourcePos } from '../core/errors.ts';
import { checkVar, toInt } from './connection-vars.ts';
import { HostEntryError, parseHostEntry } from './host-entry.ts';
import { addChildGroup, addRawHosts, newRawInventory, rawGroup, type RawInventory } from './parse-groups.ts';
import { literalEval } from './py-literal.ts';
import { ShlexError, shlexSplit } from './shlex.ts';
import type { VarMap } from './types.ts';
import { inventoryError } from './yaml-source.ts';

const SECTION = /^\[([^:\]\s]+)(?::(\w+))?\]\s*(?:#.*)?$/;
const GROUP_NAME = /^([^:\]\s]+)\s*(?:#.*)?$/;
const STATES = ['hosts', 'vars', 'children'] as const;
type State = (typeof STATES)[number];

/** Ansible's _parse_value: a Python literal when it is one, else the text itself. */
export function iniValue(text: string): unknown {
  const v = literalEval(text);
  return v === undefined ? text : v;
}

interface Pending {
  state: 'vars' | 'children';
  pos: SourcePos;
  parent: string;
}

/** Parse INI inventory text into `inv` (a fresh inventory when not given). */
export function parseIni(file: string, text: string, inv: RawInventory = newRawInventory(file)): RawInventory {
  const declared = new Set(inv.groups.keys());
  const pending = new Map<string, Pending>();
  let group = 'ungrouped';
  let state: State = 'hosts';
  text.split(/\r?\n/).forEach((raw, index) => {
    const lineNo = index + 1;
    const indent = raw.length - raw.trimStart().length;
    const line = raw.trim();
    const at = (column = 1): SourcePos => ({ file, line: lineNo, column: indent + column });
    if (line === '' || line.startsWith(';') || line.startsWith('#')) return;
    if (line.startsWith('[')) {
      const m = SECTION.exec(line);
      if (!m) {
        throw inventoryError(
          at(),
          `invalid section header \`${line}\``,
          'a section is `[group]`, `[group:vars]` or `[group:children]`, with no spaces inside the brackets',
        );
      }
      group = m[1]!;
      const kind = m[2] ?? 'hosts';
      if (!STATES.includes(kind as State)) {
        throw inventoryError(
          at(),
          `section [${group}:${kind}] has unknown type \`${kind}\``,
          'use `[group]`, `[group:vars]` or `[group:children]`',
        );
      }
      state = kind as State;
      rawGroup(inv, group, at());
      if (state !== 'vars') {
        declared.add(group);
        pending.delete(group);
      } else if (!declared.has(group) && !pending.has(group)) pending.set(group, { state: 'vars', pos: at(), parent: group });
      return;
    }
    const g = rawGroup(inv, group, at());
    if (state === 'hosts') hostLine(inv, g.name, raw, lineNo, file);
    else if (state === 'vars') {
      const eq = line.indexOf('=');
      if (eq < 0) throw inventoryError(at(), `expected key=value in [${group}:vars], got \`${line}\``, 'write one `name=value` per line');
      const name = line.slice(0, eq).trim();
      const rest = line.slice(eq + 1);
      const value = iniValue(rest.trim());
      const valuePos = at(eq + 2 + (rest.length - rest.trimStart().length));
      checkVar(name, value, valuePos);
      // Like Ansible, the priority is a property of the group, not a variable.
      if (name === 'ansible_group_priority') g.priority = toInt(value) ?? 1;
      else g.vars.set(name, { value, pos: at() });
    } else {
      const m = GROUP_NAME.exec(line);
      if (!m) throw inventoryError(at(), `expected a group name in [${group}:children], got \`${line}\``, 'write one group name per line');
      const child = m[1]!;
      rawGroup(inv, child, at());
      addChildGroup(inv, g, child, at());
      if (!declared.has(child) && !pending.has(child)) pending.set(child, { state: 'children', pos: at(), parent: group });
    }
  });
  for (const [name, p] of pending) {
    if (p.state === 'vars') {
      throw inventoryError(
        p.pos,
        `section [${name}:vars] is for group \`${name}\`, which is not defined`,
        `add a \`[${name}]\` section with its hosts`,
      );
    }
    throw inventoryError(
      p.pos,
      `section [${p.parent}:children] includes group \`${name}\`, which is not defined`,
      `add a \`[${name}]\` section (it may be empty), or fix the name`,
    );
  }
  return inv;
}

/** One host line: `web[01:03]:2222 ansible_user=deploy  # comment`. */
function hostLine(inv: RawInventory, group: string, raw: string, lineNo: number, file: string): void {
  const at = (column: number): SourcePos => ({ file, line: lineNo, column });
  let tokens;
  try {
    tokens = shlexSplit(raw);
  } catch (e) {
    if (!(e instanceof ShlexError)) throw e;
    throw inventoryError(at(raw.length - raw.trimStart().length + 1), `cannot split the host line: ${e.message}`, 'close the quote');
  }
  const [first, ...rest] = tokens;
  if (!first) return;
  let entry;
  try {
    entry = parseHostEntry(first.text);
  } catch (e) {
    if (e instanceof HostEntryError) throw inventoryError(at(first.column), e.message, 'see "Host ranges" in inventory/README.md');
    throw e;
  }
  const vars: VarMap = new Map();
  if (entry.port !== undefined) vars.set('ansible_port', { value: entry.port, pos: at(first.column) });
  for (const t of rest) {
    const eq = t.text.indexOf('=');
    if (eq < 1) {
      throw inventoryError(
        at(t.column),
        `expected key=value after host \`${first.text}\`, got \`${t.text}\``,
        'host variables are written `name=value`; quote values with spaces: `name="a b"`',
      );
    }
    const name = t.text.slice(0, eq);
    const value = iniValue(t.text.slice(eq + 1));
    checkVar(name, value, at(t.column + eq + 1));
    vars.set(name, { value, pos: at(t.column) });
  }
  addRawHosts(inv, inv.groups.get(group)!, entry.names, at(first.column), vars);
}
