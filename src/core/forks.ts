/** How many hosts are worked on at once: one default, one way to make the limiter. */
import pLimit, { type LimitFunction } from 'p-limit';

/** Hosts in parallel when nothing says otherwise (Ansible's default). */
export const DEFAULT_FORKS = 5;

/** At most `forks` (at least 1) of the functions it runs at once; one per command, shared by its stages. */
export type ForkLimit = LimitFunction;

/** The limiter of one command: `forks` hosts at once. */
export function forkLimit(forks: number = DEFAULT_FORKS): ForkLimit {
  return pLimit(Math.max(1, forks));
}
