/** `--step`'s question and answers (runner/step-mode.ts), as ansible-playbook 2.14 reads them. */
import { describe, expect, it } from 'vitest';
import { RunEmitter } from '../../src/runner/events.ts';
import type { StepAnswer } from '../../src/runner/options.ts';
import { parseStepAnswer, stepQuestion, StepMode } from '../../src/runner/step-mode.ts';

describe('parseStepAnswer', () => {
  it('runs only on y/yes and c/continue, in any case; anything else, or an empty line, is No', () => {
    expect(['y', 'Y', 'yes', ' YES '].map(parseStepAnswer)).toEqual(['yes', 'yes', 'yes', 'yes']);
    expect(['c', 'C', 'continue'].map(parseStepAnswer)).toEqual(['continue', 'continue', 'continue']);
    expect(['', 'n', 'no', 'x', 'ye', 'yy'].map(parseStepAnswer)).toEqual(['no', 'no', 'no', 'no', 'no', 'no']);
  });
  it('no line at all (stdin ended) is no answer: the run stops', () => {
    expect(parseStepAnswer(undefined)).toBe('stop');
  });
});

describe('stepQuestion', () => {
  it("is ansible-playbook's prompt, for a task and for a handler", () => {
    expect(stepQuestion('copy it', false)).toBe('Perform task: TASK: copy it (N)o/(y)es/(c)ontinue: ');
    expect(stepQuestion('restart', true)).toBe('Perform task: HANDLER: restart (N)o/(y)es/(c)ontinue: ');
  });
});

describe('StepMode.question', () => {
  const setup = (answers: StepAnswer[]) => {
    const asked: string[] = [];
    const info: string[] = [];
    const emitter = new RunEmitter();
    emitter.on('info', (e) => info.push(`${e.host ?? ''}|${e.message}`));
    const mode = new StepMode(
      async (q) => {
        asked.push(q);
        return answers.shift() ?? 'stop';
      },
      emitter,
      (s) => s,
    );
    return { mode, asked, info };
  };

  it('says what each host would do, then asks; y runs, n skips, c runs and stops the asking', async () => {
    const { mode, asked, info } = setup(['yes', 'no', 'continue']);
    const said = [{ host: 'web1', text: 'would change: create /x' }];
    expect(await mode.question(said, 'a', false)).toBe('run');
    expect(await mode.question(said, 'b', false)).toBe('skip');
    expect(await mode.question(said, 'c', false)).toBe('run');
    expect(await mode.question(said, 'd', false)).toBe('run');
    expect(await mode.question(said, 'h', true)).toBe('run');
    expect(asked).toEqual(['a', 'b', 'c'].map((n) => stepQuestion(n, false)));
    expect(info).toEqual([
      'web1|--step: would change: create /x',
      'web1|--step: would change: create /x',
      'web1|--step: would change: create /x',
    ]);
  });

  it('when the answers end, stops and says that the task and all after it do not run', async () => {
    const { mode, info } = setup([]);
    expect(await mode.question([], 'a', true)).toBe('stop');
    expect(info).toEqual(['|--step: no answer for HANDLER: a (stdin ended): it and everything after it do not run']);
  });
});
