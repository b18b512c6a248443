/**
 * Rolling units rolled back the way they were rolled, one at a time across every host: drained in
 * each Apache balancer that has them (on the Apache host, through its own connection), stopped,
 * their files restored, started and waited for (sessions received while another member runs),
 * enabled again. A unit that does not come back stops the rollback there: it stays drained, the
 * units after it are left as they are, and the runs are not marked rolled back.
 */
import { quote } from '../core/quote.ts';
import type { Transport } from '../transport/types.ts';
import { balancerScript } from '../host/balancer-script.ts';
import { statusCommand } from '../host/service-script.ts';
import type { UnitRollback } from './rollback-plan.ts';
import { itemsScript, parseReport, unitItems, type ScriptItem } from './rollback-script.ts';
import type { ItemResult } from './rollback.ts';

/** One unit to roll back, on its host. */
export interface PendingUnit {
  host: string;
  t: Transport;
  unit: UnitRollback;
}

/** The unit runs as a peer others get state from (its member check, else its service status). */
async function running(p: PendingUnit): Promise<boolean> {
  const r = await p.t
    .exec(`{ ${p.unit.roll.memberCheck ?? statusCommand(p.unit.roll.service)}\n} >/dev/null 2>&1`)
    .catch(() => ({ code: 1 }));
  return r.code === 0;
}

/** Set a member's state on an Apache host; one item for the report. */
async function member(
  peers: Map<string, Transport>,
  b: UnitRollback['roll']['balancers'][number],
  state: 'disabled' | 'enabled',
  timeoutMs?: number,
): Promise<ItemResult> {
  const verb = state === 'disabled' ? `drain ${b.member.route} from` : `enable ${b.member.route} in`;
  const text = `${verb} balancer://${b.member.balancer} on ${b.host}`;
  const t = peers.get(b.host);
  if (!t) return { text, status: 'note', output: `${b.host} is not in this rollback: not ${state === 'disabled' ? 'drained' : 'enabled'}` };
  const r = await t.exec(balancerScript(b.member, state, timeoutMs)).catch((e: Error) => ({ code: 255, stdout: '', stderr: e.message }));
  const skip = /skip=(.*)/.exec(r.stdout)?.[1];
  if (r.code === 0) return skip ? { text, status: 'note', output: skip } : { text, status: 'done' };
  return { text, status: 'failed', output: (r.stderr || r.stdout).trim() || `exit ${r.code}` };
}

/**
 * Roll `units` back in order. Returns each host's item results and whether every unit came back.
 * `peers`: connections by inventory name (the balancers' Apache hosts among them).
 */
export async function rollUnitsBack(
  units: PendingUnit[],
  peers: Map<string, Transport>,
): Promise<{ items: Map<string, ItemResult[]>; ok: boolean }> {
  const items = new Map<string, ItemResult[]>();
  const add = (host: string, ...r: ItemResult[]) => items.set(host, [...(items.get(host) ?? []), ...r]);
  let startedOne = false;
  for (const [k, u] of units.entries()) {
    const { roll } = u.unit;
    const drained: ItemResult[] = [];
    for (const b of roll.balancers) drained.push(await member(peers, b, 'disabled', roll.drainTimeoutMs));
    add(u.host, ...drained);
    if (drained.some((d) => d.status === 'failed')) {
      // A drain that timed out re-enabled the member: the unit keeps serving, unchanged.
      stopHere(units, k + 1, add, roll.unit);
      return { items, ok: false };
    }
    let peersUp = startedOne;
    for (const o of units) if (!peersUp && o !== u) peersUp = await running(o);
    const list = unitItems(u.unit, peersUp);
    const res = await u.t
      .exec(itemsScript(list, true), { timeoutMs: 600_000 })
      .catch((e: Error) => ({ code: 255, stdout: '', stderr: e.message }));
    const { results } = parseReport(res.stdout);
    let failed = false;
    list.forEach((it, i) => {
      const r = results.get(i);
      if (failed) return;
      if (!r) {
        failed = true;
        add(u.host, { text: it.text, status: 'failed', output: res.stderr.trim() || `the rollback script stopped (exit ${res.code})` });
        return;
      }
      if (r.code !== 0) failed = true;
      add(u.host, {
        text: it.text,
        status: !it.body ? 'note' : r.code === 0 ? 'done' : 'failed',
        ...(r.output ? { output: r.output } : {}),
      });
    });
    if (failed) {
      stopHere(units, k + 1, add, roll.unit);
      return { items, ok: false };
    }
    if (u.unit.before === 'running') {
      startedOne = true;
      for (const b of roll.balancers) add(u.host, await member(peers, b, 'enabled'));
    }
  }
  return { items, ok: [...items.values()].flat().every((i) => i.status !== 'failed') };
}

function stopHere(units: PendingUnit[], from: number, add: (host: string, ...r: ItemResult[]) => void, at: string): void {
  for (const u of units.slice(from))
    add(u.host, { text: `${u.unit.roll.unit}: not rolled back (the rollback stopped at ${at})`, status: 'failed' });
}

/**
 * Shell that ends a host's rollback once every unit is back: its late items (balancer members a
 * cut run left drained, enabled again), then the runs marked rolled back when all succeeded, then
 * the lock released. When a unit did not come back (`ok` false) only the lock is released.
 */
export function finishScript(late: ScriptItem[], mark: string, release: string, ok: boolean): string {
  if (!ok) return [`echo ${quote('not marked: a rolling unit did not come back')}`, release, 'true'].join('\n');
  return [itemsScript(late), `if [ $F = 0 ]; then ${mark || 'true'}\necho M; fi`, release, 'true'].join('\n');
}
