/**
 * Shared pieces of the generic operations: argument schemas, mode parsing, attribute comparison
 * and errors. Nothing here touches the network.
 */
import type { FileFact } from '../../facts/types.ts';
import { fail, objectSchema } from '../kit.ts';

export { fail, objectSchema };

/** `mode: '0644'` (string, octal) or a number that is the mode (YAML 1.1 reads unquoted `0644` as 420). */
export const modeSchema = {
  anyOf: [
    { type: 'string', pattern: '^0?[0-7]{3,4}$' },
    { type: 'integer', minimum: 0, maximum: 511 },
  ],
};
export const stringList = {
  anyOf: [
    { type: 'string', minLength: 1 },
    { type: 'array', items: { type: 'string', minLength: 1 }, minItems: 1 },
  ],
};
export const nonEmpty = { type: 'string', minLength: 1 };
export const absPath = { type: 'string', minLength: 1, pattern: '^/' };

/** Owner, group and mode as the user asked for them. */
export interface AttrArgs {
  /** Octal string ('0644'), or a number that is the mode itself (unquoted YAML 1.1 `0644` = 420). */
  mode?: string | number;
  owner?: string;
  group?: string;
}
export const attrProps = { mode: modeSchema, owner: nonEmpty, group: nonEmpty };

/** Wanted attributes, parsed. */
export interface Attrs {
  mode?: number;
  owner?: string;
  group?: string;
}

/**
 * Parse a mode. Strings are octal ('0644', '755', '2775'). Numbers are the mode itself, as in
 * Ansible: the playbook loader reads YAML 1.1, where an unquoted `0644` is octal (420). A number
 * with setuid/setgid/sticky bits (>= 0o1000) is refused: it is almost always `644` written
 * without its leading 0, which would mean 0o1204.
 */
export function parseMode(mode: string | number | undefined): number | undefined {
  if (mode === undefined) return undefined;
  if (typeof mode === 'number') {
    if (!Number.isInteger(mode) || mode < 0 || mode >= 0o1000) {
      fail(
        `mode ${mode} is not a permission mode (as octal it is ${mode.toString(8)})`,
        `quote it as an octal string, e.g. mode: '0${String(mode).padStart(3, '0')}'`,
      );
    }
    return mode;
  }
  if (!/^0?[0-7]{3,4}$/.test(mode))
    fail(`mode ${JSON.stringify(mode)} is not an octal mode`, "write it as a quoted octal string, e.g. mode: '0644'");
  return parseInt(mode, 8);
}

export function fmtMode(mode: number): string {
  return '0' + (mode & 0o7777).toString(8).padStart(3, '0');
}

export function parseAttrs(a: AttrArgs): Attrs {
  const out: Attrs = {};
  const mode = parseMode(a.mode);
  if (mode !== undefined) out.mode = mode;
  if (a.owner !== undefined) out.owner = a.owner;
  if (a.group !== undefined) out.group = a.group;
  return out;
}

/** The attributes that differ between the host and the wish (only those the user asked for). */
export function attrsToChange(fact: FileFact, want: Attrs): Attrs {
  const out: Attrs = {};
  if (want.mode !== undefined && (fact.mode === null || (fact.mode & 0o7777) !== want.mode)) out.mode = want.mode;
  if (want.owner !== undefined && fact.owner !== want.owner) out.owner = want.owner;
  if (want.group !== undefined && fact.group !== want.group) out.group = want.group;
  return out;
}

export function isEmpty(a: Attrs): boolean {
  return a.mode === undefined && a.owner === undefined && a.group === undefined;
}

/** "mode 0644 → 0600, owner root → tomcat" for summaries. */
export function describeAttrs(fact: FileFact | null, a: Attrs): string {
  const parts: string[] = [];
  if (a.mode !== undefined) parts.push(`mode ${fact?.mode != null ? fmtMode(fact.mode) + ' → ' : ''}${fmtMode(a.mode)}`);
  if (a.owner !== undefined) parts.push(`owner ${fact?.owner ? fact.owner + ' → ' : ''}${a.owner}`);
  if (a.group !== undefined) parts.push(`group ${fact?.group ? fact.group + ' → ' : ''}${a.group}`);
  return parts.join(', ');
}

/** "mode 0644, owner root" describing what the host already has, for ok messages. */
export function describeKept(fact: FileFact, want: Attrs): string {
  const parts: string[] = [];
  if (want.mode !== undefined && fact.mode !== null) parts.push(`mode ${fmtMode(fact.mode)}`);
  if (want.owner !== undefined) parts.push(`owner ${fact.owner}`);
  if (want.group !== undefined) parts.push(`group ${fact.group}`);
  return parts.length ? ', ' + parts.join(', ') : '';
}

/** Copy only the defined attributes, so changes carry no `undefined` keys. */
export function attrFields(a: Attrs): Attrs {
  const out: Attrs = {};
  if (a.mode !== undefined) out.mode = a.mode;
  if (a.owner !== undefined) out.owner = a.owner;
  if (a.group !== undefined) out.group = a.group;
  return out;
}
