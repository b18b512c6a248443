/**
 * The connection variables `provision` understands, their types, and the coercions Ansible
 * applies (`ansible_become: yes`, `ansible_port: "2222"`). Checked where each value is written,
 * so a wrong type is reported at its own file:line:column.
 */
import type { SourcePos } from '../core/errors.ts';
import { inventoryError } from './yaml-source.ts';

const TRUE = new Set(['y', 'yes', 'on', '1', 'true', 't']);
const FALSE = new Set(['n', 'no', 'off', '0', 'false', 'f']);

/** Ansible's `boolean()` filter: true/false, 1/0 and yes/no/on/off/y/n/t/f strings in any case. */
export function toBool(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (value === 1 || value === 0) return value === 1;
  if (typeof value !== 'string') return undefined;
  const s = value.trim().toLowerCase();
  return TRUE.has(s) ? true : FALSE.has(s) ? false : undefined;
}

/** An integer given as a number or a string of digits (Ansible casts port strings). */
export function toInt(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value === 'string' && /^\s*\d+\s*$/.test(value)) return Number(value);
  return undefined;
}

/** True when the value is a `{{ }}` template the runner will render later. */
export function isTemplate(value: unknown): boolean {
  return typeof value === 'string' && value.includes('{{');
}

const STRINGS = [
  'ansible_host',
  'ansible_ssh_host',
  'ansible_user',
  'ansible_ssh_user',
  'ansible_become_user',
  'ansible_ssh_private_key_file',
  'ansible_private_key_file',
  'provision_known_hosts_file',
];
const ARGS = ['ansible_ssh_common_args', 'ansible_ssh_extra_args', 'ansible_ssh_args'];
const SECRETS = [
  'ansible_password',
  'ansible_ssh_pass',
  'ansible_ssh_password',
  'ansible_become_password',
  'ansible_become_pass',
  'ansible_ssh_private_key_passphrase',
  'ansible_private_key_passphrase',
];
const BOOLS = ['ansible_become', 'ansible_host_key_checking', 'ansible_ssh_host_key_checking'];
const PORTS = ['ansible_port', 'ansible_ssh_port'];
const TIMEOUTS = ['ansible_timeout', 'ansible_ssh_timeout'];
const KEY_CHECKING = ['strict', 'accept-new', 'off'];

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a map';
  return `${typeof value} ${JSON.stringify(value)}`;
}

/** Throw an InventoryError at `pos` when a known variable has the wrong type. */
export function checkVar(name: string, value: unknown, pos: SourcePos): void {
  if (isTemplate(value)) return;
  const bad = (expected: string, hint: string): never => {
    throw inventoryError(pos, `\`${name}\` must be ${expected}, got ${describe(value)}`, hint);
  };
  if (PORTS.includes(name)) {
    const n = toInt(value);
    if (n === undefined || n < 1 || n > 65535) bad('an integer from 1 to 65535', `write e.g. \`${name}: 22\``);
  } else if (TIMEOUTS.includes(name)) {
    const n = toInt(value);
    if (n === undefined || n < 1) bad('a positive number of seconds', `write e.g. \`${name}: 10\``);
  } else if (STRINGS.includes(name)) {
    if (typeof value !== 'string' || value === '') bad('a non-empty string', 'quote the value');
  } else if (SECRETS.includes(name) || ARGS.includes(name)) {
    if (typeof value !== 'string') bad('a string', 'quote the value so YAML keeps it exactly as written');
  } else if (BOOLS.includes(name)) {
    if (toBool(value) === undefined) bad('a boolean', 'use true/false (yes/no also work, as in Ansible)');
  } else if (name === 'ansible_become_method') {
    if (value !== 'sudo') bad('"sudo"', 'provision becomes another user only through sudo');
  } else if (name === 'provision_host_key_checking') {
    if (!KEY_CHECKING.includes(value as string) && typeof value !== 'boolean') {
      bad(
        'one of strict, accept-new, off (or a boolean)',
        'use `strict` to refuse unknown host keys, `accept-new` to trust them on first use',
      );
    }
  } else if (name === 'provision_secret_vars') {
    if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) {
      bad('a list of variable names', 'write e.g. `provision_secret_vars: [db_token, api_key]`');
    }
  } else if (name === 'ansible_group_priority') {
    if (toInt(value) === undefined) bad('an integer', 'write e.g. `ansible_group_priority: 10`');
  }
}
