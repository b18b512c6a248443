/**
 * Ansible's `until` / `retries` / `delay` while applying: the task runs again (planned afresh
 * against facts read again) until `until` holds on its result, at most `retries` times in all
 * (ansible-core 2.14's count), `delay` seconds apart. Each attempt's changes are journaled like
 * any other. In the pre-flight plan a task is planned once: its `until` is for the real run.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Change } from '../core/change.ts';
import type { PlanContext } from '../ops/types.ts';
import { scope } from '../vars/lazy-vars.ts';
import { isTrue } from '../vars/template.ts';
import type { RunEmitter } from './events.ts';
import type { HostTask } from './expand.ts';
import type { HostRun } from './host-run.ts';
import { runTask, type Masker, type TaskOutcome } from './task-run.ts';

/** Apply one task on one host, again while its `until` is false and attempts remain. */
export async function runWithRetries(
  h: HostRun,
  ht: HostTask,
  ctx: PlanContext,
  o: { emitter: RunEmitter; mask: Masker; signal?: AbortSignal },
  defer?: (c: Change) => string | undefined,
): Promise<TaskOutcome> {
  const retry = ht.task.retry;
  if (!retry || ht.skip) return runTask(h, ht, ctx, true, o.mask, defer);
  for (let attempt = 1; ; attempt++) {
    const out = await runTask(h, ht, ctx, true, o.mask, defer);
    out.value.attempts = attempt;
    const vars = scope({ ...(ht.task.register ? { [ht.task.register]: out.value } : {}) }, ht.vars);
    let done: boolean;
    try {
      done = isTrue(retry.until, vars);
    } catch (err) {
      return { ...out, result: { ...out.result, status: 'failed', message: o.mask(`until: ${(err as Error).message}`) } };
    }
    if (done) return out;
    if (attempt >= retry.retries || o.signal?.aborted) {
      const tries = `${attempt} attempt${attempt === 1 ? '' : 's'}`;
      const message = `until: ${JSON.stringify(retry.until)} still false after ${tries} (${out.result.message})`;
      out.value.failed = true;
      return { ...out, result: { ...out.result, status: 'failed', message } };
    }
    o.emitter.emit('info', {
      host: h.name,
      message: o.mask(`FAILED - RETRYING: [${h.name}]: ${ht.label} (${retry.retries - attempt} retries left).`),
    });
    // The next attempt reads what it needs from the host again (a file that may have appeared meanwhile).
    const wanted = new Set(ht.op.facts(ht.args, ctx).map((r) => JSON.stringify(r)));
    h.facts.invalidate((r) => wanted.has(JSON.stringify(r)));
    await sleep(retry.delay * 1000, undefined, o.signal ? { signal: o.signal } : {}).catch(() => undefined);
  }
}
