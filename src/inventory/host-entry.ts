/**
 * Host keys as Ansible's YAML inventory reads them: `web1`, `web1:2222`, `[::1]:22`, and ranges
 * `www[01:50].example.com`, `db-[a:f]`, `node[0:10:2]`.
 */

/** The host names a key stands for, and the port written in it if any. */
export interface HostEntry {
  names: string[];
  port?: number;
}

/** Thrown with a message only; the caller adds the position. */
export class HostEntryError extends Error {}

const LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';

function hasRange(s: string): boolean {
  const open = s.indexOf('[');
  const close = s.indexOf(']', open);
  return open >= 0 && close > open && s.slice(open, close).includes(':');
}

/** Expand the first `[a:b(:step)]` range, recursively (Ansible's expand_hostname_range). */
export function expandRange(name: string): string[] {
  if (!hasRange(name)) return [name];
  const open = name.indexOf('[');
  const close = name.indexOf(']', open);
  const head = name.slice(0, open);
  const tail = name.slice(close + 1);
  const bounds = name.slice(open + 1, close).split(':');
  if (bounds.length !== 2 && bounds.length !== 3)
    throw new HostEntryError(`host range in \`${name}\` must be [begin:end] or [begin:end:step]`);
  const beg = bounds[0] || '0';
  const end = bounds[1] ?? '';
  const step = Number(bounds[2] || '1');
  if (!end) throw new HostEntryError(`host range in \`${name}\` must have an end value`);
  if (!Number.isInteger(step) || step < 1) throw new HostEntryError(`host range step in \`${name}\` must be a positive integer`);
  let seq: string[] = [];
  if (LETTERS.includes(beg) && beg.length === 1 && LETTERS.includes(end) && end.length === 1) {
    const b = LETTERS.indexOf(beg);
    const e = LETTERS.indexOf(end);
    if (b > e) throw new HostEntryError(`host range in \`${name}\` must have begin <= end`);
    for (let i = b; i <= e; i += step) seq.push(LETTERS[i]!);
  } else {
    if (!/^\d+$/.test(beg) || !/^\d+$/.test(end)) throw new HostEntryError(`host range in \`${name}\` must be numbers or single letters`);
    // A leading zero fixes the width, as in Ansible: [01:10] gives 01, 02, ... 10.
    const width = beg.length > 1 && beg.startsWith('0') ? beg.length : 0;
    if (width && end.length !== width) throw new HostEntryError(`host range in \`${name}\` must have begin and end of equal length`);
    const b = Number(beg);
    const e = Number(end);
    if (e - b > 100000) throw new HostEntryError(`host range in \`${name}\` is too large`);
    for (let i = b; i <= e; i += step) seq.push(String(i).padStart(width, '0'));
  }
  return seq.flatMap((s) => expandRange(head + s + tail));
}

/** Parse one key under `hosts:`. */
export function parseHostEntry(key: string): HostEntry {
  const v6 = /^\[([0-9A-Fa-f:.%]+)\](?::(\d+))?$/.exec(key);
  if (v6 && (v6[1]!.match(/:/g) ?? []).length >= 2) {
    return { names: [v6[1]!], ...(v6[2] ? { port: checkPort(key, v6[2]) } : {}) };
  }
  // Colons inside [..] belong to ranges; a single colon outside them introduces a port.
  const outside = key.replace(/\[[^\]]*\]/g, (m) => '_'.repeat(m.length));
  const colons = [...outside.matchAll(/:/g)].map((m) => m.index);
  if (colons.length === 1) {
    const at = colons[0]!;
    const port = key.slice(at + 1);
    if (!/^\d+$/.test(port)) throw new HostEntryError(`\`${key}\`: the part after ":" must be a port number`);
    return { names: expandRange(key.slice(0, at)), port: checkPort(key, port) };
  }
  return { names: colons.length > 1 ? [key] : expandRange(key) };
}

function checkPort(key: string, port: string): number {
  const n = Number(port);
  if (n < 1 || n > 65535) throw new HostEntryError(`\`${key}\`: port must be from 1 to 65535`);
  return n;
}
