/**
 * Which variable values are secret, so the runner can mask them in every log, diff and journal:
 * names ending in `_password`, `_pass`, `_secret` or `_passphrase`, and names listed in a
 * `provision_secret_vars` list variable, and every value decrypted from a vault.
 */
import type { Inventory } from './types.ts';

const SECRET_SUFFIX = /(_password|_pass|_secret|_passphrase)$/;

/** True when a variable of this name holds a secret (given the names listed in provision_secret_vars). */
export function isSecretVar(name: string, listed: Iterable<string> = []): boolean {
  return SECRET_SUFFIX.test(name) || new Set(listed).has(name);
}

function leaves(value: unknown, out: Set<string>): void {
  if (typeof value === 'string') {
    if (value !== '') out.add(value);
  } else if (typeof value === 'number' || typeof value === 'bigint') out.add(String(value));
  else if (Array.isArray(value)) value.forEach((v) => leaves(v, out));
  else if (value && typeof value === 'object') Object.values(value).forEach((v) => leaves(v, out));
}

/**
 * Every secret value in the inventory (hosts' merged vars and every group's own vars), longest
 * first so a masker replaces `hunter2-long` before `hunter2`. Maps and lists contribute their leaves.
 */
export function secretValues(inv: Inventory): string[] {
  const sets: Record<string, unknown>[] = [...[...inv.hosts.values()].map((h) => h.vars), ...[...inv.groups.values()].map((g) => g.vars)];
  const listed = new Set<string>();
  for (const vars of sets) {
    const l = vars.provision_secret_vars;
    if (Array.isArray(l)) l.forEach((n) => listed.add(String(n)));
  }
  // Whatever a vault decrypted is secret, whatever its variable is called.
  const out = new Set<string>(inv.vaultSecrets ?? []);
  for (const vars of sets) {
    for (const [name, value] of Object.entries(vars)) if (isSecretVar(name, listed)) leaves(value, out);
  }
  return [...out].sort((a, b) => b.length - a.length);
}
