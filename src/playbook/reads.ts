/** Which tasks must wait for another task's result (register, set_fact) or for the gathered facts. */
import { FACT_VARS } from './ansible-names.ts';
import type { Play } from './types.ts';

/**
 * Which registered variables each task reads (in its loop, when, label or arguments): such a task
 * is expanded when it is reached, after the task that registers it (runner/register.ts).
 */
export function markReads(plays: Play[]): void {
  const all = plays.flatMap((p) => [...p.tasks, ...p.handlers]);
  // Registered results and `set_fact` variables are known only once their task has run.
  const names = [
    ...new Set(all.flatMap((t) => [...(t.register ? [t.register] : []), ...(t.op === 'set_fact' ? Object.keys(t.args) : [])])),
    // Set on a host when a task of a block fails, for its rescue (runner/blocks.ts).
    ...(all.some((t) => t.block) ? ['ansible_failed_task', 'ansible_failed_result'] : []),
  ];
  for (const p of plays) {
    for (const t of [...p.tasks, ...p.handlers]) {
      const text = JSON.stringify([t.loop, t.when, t.loopLabel, t.args, t.scope, t.retry?.until]);
      const reads = names.filter((n) => n !== t.register && new RegExp(`(?<![\\w.])${n}(?!\\w)`).test(text));
      // Facts are read after the gather: with gather_facts off they stay undefined, as in Ansible.
      if (p.gatherFacts) reads.push(...new Set([...text.matchAll(FACT_VARS)].map((m) => m[1]!)));
      if (reads.length) t.reads = reads;
    }
  }
}
