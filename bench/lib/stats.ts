/** Median and spread of a sample. */

/** Summary of repeated measurements (ms or KiB). */
export interface Stats {
  n: number;
  median: number;
  min: number;
  max: number;
}

export function stats(xs: number[]): Stats {
  if (xs.length === 0) return { n: 0, median: NaN, min: NaN, max: NaN };
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  const median = s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
  return { n: s.length, median, min: s[0]!, max: s[s.length - 1]! };
}

/** "1.23 s (1.10–1.40)" or "85 ms (80–90)". */
export function fmtMs(st: Stats): string {
  if (!st.n) return 'n/a';
  const one = (v: number) => (st.median >= 1000 ? (v / 1000).toFixed(2) : v.toFixed(0));
  const unit = st.median >= 1000 ? 's' : 'ms';
  return `${one(st.median)} ${unit} (${one(st.min)}–${one(st.max)})`;
}

export function fmtMb(kb: number | undefined): string {
  return kb === undefined || !kb ? 'n/a' : `${(kb / 1024).toFixed(0)} MiB`;
}
