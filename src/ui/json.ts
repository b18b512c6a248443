/** `--json`: one machine-readable document with every task result and the recap, printed at the end. */
import type { TaskResult } from '../core/result.ts';
import type { RunEmitter } from '../runner/events.ts';

export function attachJson(em: RunEmitter, write: (s: string) => void, meta: Record<string, unknown>): void {
  const plays: { play: string; check: boolean; tasks: { task: string; handler: boolean; results: TaskResult[] }[] }[] = [];
  const problems: { host: string; kind: 'unreachable' | 'failed'; message: string; hint?: string }[] = [];
  em.on('play:start', (e) => plays.push({ play: e.play, check: e.check, tasks: [] }));
  em.on('task:start', (e) => plays.at(-1)?.tasks.push({ task: e.task, handler: e.handler, results: [] }));
  em.on('task:result', (r) => plays.at(-1)?.tasks.at(-1)?.results.push(r));
  em.on('host:unreachable', (e) => problems.push({ kind: 'unreachable', ...e }));
  em.on('host:failed', (e) => problems.push({ kind: 'failed', ...e }));
  em.on('run:end', (e) => write(JSON.stringify({ ...meta, plays, problems, recap: e.recap, durationMs: e.durationMs }, null, 2)));
}
