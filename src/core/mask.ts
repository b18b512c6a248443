/** The one place secrets are masked (pyinfra's MaskString): output, diffs and journal text. */

export const MASK = '********';

/**
 * Values of secret-bearing keys in config text (AJP `secret="…"`/`secret=…`, `password="…"`,
 * keystore passwords): masked whatever the value, so a secret someone hand-edited into a managed
 * file (not the inventory's value, so not in the list) is not shown on the old side of a diff.
 * `key=` must touch its value: prose such as "secret= on the connector" is left alone.
 */
const SECRET_ATTR =
  /\b(secret|requiredSecret|password|passwd|\w+Password|keystorePass|truststorePass|keyPass)=("[^"]*"|'[^']*'|[^\s"'>]+)/g;

function maskAttrs(s: string): string {
  return s.replace(
    SECRET_ATTR,
    (_m, key: string, v: string) => `${key}=${v.startsWith('"') ? `"${MASK}"` : v.startsWith("'") ? `'${MASK}'` : MASK}`,
  );
}

/** A function replacing every secret value (3+ characters, longest first) and every secret-bearing key's value by asterisks. */
export function makeMasker(secrets: Iterable<string | undefined>): (s: string) => string {
  const list = [...new Set([...secrets].filter((s): s is string => !!s && s.length >= 3))].sort((a, b) => b.length - a.length);
  return (s) => maskAttrs(list.reduce((acc, secret) => acc.split(secret).join(MASK), s));
}
