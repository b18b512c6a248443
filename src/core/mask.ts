/** The one place secrets are masked (pyinfra's MaskString): output, diffs and journal text. */

export const MASK = '********';

/** A function replacing every secret value (3+ characters, longest first) by asterisks. */
export function makeMasker(secrets: Iterable<string | undefined>): (s: string) => string {
  const list = [...new Set([...secrets].filter((s): s is string => !!s && s.length >= 3))].sort((a, b) => b.length - a.length);
  return (s) => list.reduce((acc, secret) => acc.split(secret).join(MASK), s);
}
