/**
 * What the fact cache can know after a change without reading the host again. In --check (and in
 * the pre-flight plan) this is how later tasks see earlier tasks' effects; after a real change it
 * saves a round trip. Each kind says what it teaches (`changes/<kind>.ts`).
 */
import type { Change } from '../core/change.ts';
import type { FactCache } from '../facts/gather.ts';
import { changeDef } from './changes/index.ts';

/** Update the cache for one change. `applied`: it really happened (vs. simulated). */
export function learn(cache: FactCache, change: Change, applied: boolean): void {
  changeDef(change.kind)!.learn(cache, change, applied);
}
