/**
 * ansible-playbook's `--step`: before each task and handler (not `meta:`), ask whether to perform
 * it. `y` runs it, `n` (or anything else, or an empty line) skips it on every host with no result
 * and no count, as Ansible; `c` runs it and every later one without asking. Before the question,
 * the task is planned afresh against each host's real state (earlier answers included), so it
 * says what it would change; a task after a skipped one is planned, and applied, against the host
 * as it is (apply always plans again), never assuming the skipped task ran.
 */
import type { TaskResult } from '../core/result.ts';
import type { RunEmitter } from './events.ts';
import type { HostTask } from './expand.ts';
import type { HostRun } from './host-run.ts';
import type { StepAnswer, StepAsk } from './options.ts';
import { planContext, type PlayRun } from './plan.ts';
import { resolve } from './register.ts';
import { runTask, type Masker } from './task-run.ts';

/** What the runner does with a task under --step. */
export type StepDecision = 'run' | 'skip' | 'stop';

/** Why the run stops when the answers ended (PlayOutcome.abort). */
export const STEP_STOPPED = 'step-stopped';

/** Map an answer line to Ansible's meaning: only y/yes and c/continue (any case) run; EOF (undefined) stops. */
export function parseStepAnswer(line: string | undefined): StepAnswer {
  if (line === undefined) return 'stop';
  const a = line.trim().toLowerCase();
  if (a === 'y' || a === 'yes') return 'yes';
  if (a === 'c' || a === 'continue') return 'continue';
  return 'no';
}

/** Ansible's question, word for word: `Perform task: TASK: <name> (N)o/(y)es/(c)ontinue: `. */
export function stepQuestion(name: string, handler: boolean): string {
  return `Perform task: ${handler ? 'HANDLER' : 'TASK'}: ${name} (N)o/(y)es/(c)ontinue: `;
}

/** One line for what a task's planned results say it would do on a host. */
export function describe(results: TaskResult[]): string {
  const what = (r: TaskResult) => (r.status === 'would-change' ? 'would change' : r.status === 'failed' ? 'would fail' : r.status);
  return results.map((r) => `${what(r)}${r.item !== undefined ? ` (${r.item})` : ''}: ${r.message}`).join('; ') || 'nothing to do';
}

/** The --step state of a run: asking until an answer `c`. */
export class StepMode {
  private asking = true;
  constructor(
    private readonly ask: StepAsk,
    private readonly emitter: RunEmitter,
    private readonly mask: Masker,
  ) {}

  /** Plan the task on its live hosts against their real state, say what it would change, and ask. */
  async decide(
    p: PlayRun,
    live: HostRun[],
    pick: (h: HostRun) => HostTask[] | undefined,
    name: string,
    handler: boolean,
  ): Promise<StepDecision> {
    if (!this.asking) return 'run';
    const said: { host: string; text: string }[] = [];
    for (const h of live) said.push({ host: h.name, text: await this.preview(p, h, pick(h) ?? []) });
    return this.question(said, name, handler);
  }

  /** Say what each host's task would do (`said`), then ask; `c` stops the asking for the rest of the run. */
  async question(said: { host: string; text: string }[], name: string, handler: boolean): Promise<StepDecision> {
    if (!this.asking) return 'run';
    for (const { host, text } of said) this.emitter.emit('info', { host, message: `--step: ${text}` });
    const answer = await this.ask(stepQuestion(name, handler));
    if (answer === 'continue') this.asking = false;
    if (answer === 'stop') {
      this.emitter.emit('info', {
        message: `--step: no answer for ${handler ? 'HANDLER' : 'TASK'}: ${name} (stdin ended): it and everything after it do not run`,
      });
      return 'stop';
    }
    return answer === 'no' ? 'skip' : 'run';
  }

  /** What the task would do on `h` now: planned on a fork of the host's facts, which are then left as they were. */
  private async preview(p: PlayRun, h: HostRun, group: HostTask[]): Promise<string> {
    const real = h.facts;
    h.facts = real.fork();
    try {
      const said: TaskResult[] = [];
      for (const ht of resolve(group, h.registered)) {
        const { result } = await runTask(h, ht, planContext(p, h, ht), false, this.mask);
        said.push(result);
      }
      return describe(said);
    } finally {
      h.facts = real;
    }
  }
}
