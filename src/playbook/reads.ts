/** Which tasks must wait for another task's result (register, set_fact) or for the gathered facts. */
import { readFileSync } from 'node:fs';
import { localPath } from '../ops/generic/copy.ts';
import { FACT_VARS } from './ansible-names.ts';
import type { Play, Task } from './types.ts';

/** The text of a `template` task's local file, as the operation will find it (a templated or missing src: none). */
function templateText(t: Task, baseDir: string): string {
  const src = t.op === 'template' ? t.args.src : undefined;
  if (typeof src !== 'string' || src.includes('{{')) return '';
  try {
    return readFileSync(localPath(src, { baseDir, roleDir: t.role?.dir }, 'templates'), 'utf8');
  } catch {
    return ''; // the task itself reports the missing file, with where it looked
  }
}

/**
 * Which registered variables each task reads (in its loop, when, label, arguments or template file): such a task
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
      // A template file reads variables too (a set_fact value, a fact), as its task's arguments do.
      const text = JSON.stringify([t.loop, t.when, t.loopLabel, t.args, t.scope, t.retry?.until]) + templateText(t, p.baseDir);
      const reads = names.filter((n) => n !== t.register && new RegExp(`(?<![\\w.])${n}(?!\\w)`).test(text));
      // Facts are read after the gather: with gather_facts off they stay undefined, as in Ansible.
      if (p.gatherFacts) reads.push(...new Set([...text.matchAll(FACT_VARS)].map((m) => m[1]!)));
      if (reads.length) t.reads = reads;
    }
  }
}
