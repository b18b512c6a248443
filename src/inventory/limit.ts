/**
 * Ansible host patterns, for a play's `hosts:` and for `--limit`: `all`, `*`, host and group
 * names, globs (`web*`), `~regex`, subscripts (`web[0]`, `web[1:2]`), and the operators
 * `a:b` / `a,b` (union), `a:&b` (intersection), `a:!b` and `!b` (exclusion).
 */
import { InventoryError, type SourcePos } from '../core/errors.ts';
import { closest } from './suggest.ts';
import type { Inventory } from './types.ts';
import { inventoryError } from './yaml-source.ts';

/** Where the patterns came from, for error messages. */
export interface SelectOptions {
  /** Position of the play's `hosts:` value, when the caller knows it. */
  playHostsPos?: SourcePos;
}

const SUBSCRIPT = /^(.+)\[(?:(-?\d+)|(\d+)[:-](\d*))\]$/;

/** Split a pattern on `,` and on `:` outside brackets (Ansible's split_host_pattern). */
export function splitPattern(inv: Inventory, pattern: string): string[] {
  return pattern
    .split(',')
    .flatMap((part) => {
      const p = part.trim();
      // A whole part naming a host (an IPv6 address, say) is not split on its colons.
      if (inv.hosts.has(p) || inv.hosts.has(p.replace(/^[!&]/, ''))) return [p];
      return (p.match(/(?:[^\s:[\]]|\[[^\]]*\])+/g) ?? []).map((s) => s.trim());
    })
    .filter((p) => p !== '');
}

/** fnmatch.translate: `*`, `?`, `[seq]`, `[!seq]`, everything else literal. */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*') re += '.*';
    else if (c === '?') re += '.';
    else if (c === '[' && glob.indexOf(']', i + 2) > i) {
      const end = glob.indexOf(']', i + 2);
      let body = glob.slice(i + 1, end).replace(/\\/g, '\\\\');
      if (body.startsWith('!')) body = '^' + body.slice(1);
      re += `[${body}]`;
      i = end;
    } else re += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  return new RegExp(`^(?:${re})$`, 's');
}

function matcher(pattern: string, where: string, pos?: SourcePos): RegExp {
  if (!pattern.startsWith('~')) return globToRegExp(pattern);
  try {
    // Python's re.match anchors at the start only.
    return new RegExp(`^(?:${pattern.slice(1)})`);
  } catch (cause) {
    throw located(
      pos,
      `invalid regular expression \`${pattern}\` in ${where}: ${(cause as Error).message}`,
      'after `~` write a JavaScript regular expression, e.g. `~web\\d+`',
    );
  }
}

function located(pos: SourcePos | undefined, message: string, hint: string): InventoryError {
  return pos ? inventoryError(pos, message, hint) : new InventoryError(message, { hint });
}

/** Hosts one pattern (without its `!`/`&` prefix) stands for, in Ansible's order. */
function matchOne(inv: Inventory, raw: string, where: string, pos?: SourcePos): string[] {
  let pattern = raw;
  let sub: [number, number | undefined] | undefined;
  const m = raw.startsWith('~') ? null : SUBSCRIPT.exec(raw);
  if (m) {
    pattern = m[1]!;
    sub = m[2] !== undefined ? [Number(m[2]), undefined] : [Number(m[3]), m[4] ? Number(m[4]) : -1];
  }
  const re = matcher(pattern, where, pos);
  const groups = [...inv.groups.keys()].filter((g) => re.test(g));
  const hosts = groups.flatMap((g) => inv.groups.get(g)!.hosts);
  if (groups.length === 0 || pattern.startsWith('~') || /[.?*[]/.test(pattern)) {
    hosts.push(...[...inv.hosts.keys()].filter((h) => re.test(h)));
  }
  if (hosts.length === 0 && groups.length === 0 && pattern !== 'all') {
    const near = closest(pattern, [...inv.groups.keys(), ...inv.hosts.keys()]);
    const known = [...inv.groups.keys()].map((g) => `\`${g}\``).join(', ');
    throw located(
      pos,
      `no host or group matches \`${pattern}\` in ${where}; groups are ${known}`,
      (near ? `did you mean \`${near}\`? ` : '') +
        'use a host name, a group name, a glob such as `web*` or `~regex`, joined by `:` (see inventory/README.md)',
    );
  }
  const unique = [...new Set(hosts)];
  if (!sub) return unique;
  const [start, end] = sub;
  const from = start < 0 ? unique.length + start : start;
  if (from < 0 || from >= unique.length) {
    throw located(
      pos,
      `\`${raw}\` in ${where} is out of range: \`${pattern}\` has ${unique.length} host(s)`,
      `subscripts count from 0; use \`${pattern}[0]\` for the first host`,
    );
  }
  if (end === undefined) return [unique[from]!];
  return unique.slice(from, (end === -1 ? unique.length - 1 : end) + 1);
}

/** Evaluate a full pattern: unions first, then `&` intersections, then `!` exclusions. */
export function evaluatePattern(inv: Inventory, pattern: string, where: string, pos?: SourcePos): string[] {
  const parts = splitPattern(inv, pattern);
  const regular = parts.filter((p) => !p.startsWith('!') && !p.startsWith('&'));
  const ordered = [
    ...(regular.length ? regular : ['all']),
    ...parts.filter((p) => p.startsWith('&')),
    ...parts.filter((p) => p.startsWith('!')),
  ];
  let hosts: string[] = [];
  for (const p of ordered) {
    const op = p[0] === '!' || p[0] === '&' ? p[0] : '';
    const name = p.slice(op.length);
    const that = inv.hosts.has(name) ? [name] : matchOne(inv, name, where, pos);
    if (op === '!') hosts = hosts.filter((h) => !that.includes(h));
    else if (op === '&') hosts = hosts.filter((h) => that.includes(h));
    else hosts.push(...that.filter((h) => !hosts.includes(h)));
  }
  return hosts;
}

/**
 * The hosts a play runs on: its `hosts:` pattern (default `all`), restricted to `--limit` when given.
 * Order is the play pattern's order (Ansible's). A pattern part that names nothing is an InventoryError.
 */
export function selectHosts(inv: Inventory, pattern: string | undefined, playHosts?: string, opts: SelectOptions = {}): string[] {
  const base = evaluatePattern(inv, playHosts ?? 'all', "the play's `hosts:`", opts.playHostsPos);
  if (pattern === undefined || pattern.trim() === '') return base;
  const limit = new Set(evaluatePattern(inv, pattern, '--limit'));
  return base.filter((h) => limit.has(h));
}
