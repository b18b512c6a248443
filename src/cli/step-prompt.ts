/**
 * `--step`'s question, as ansible-playbook asks it. From a terminal the answer is a line typed
 * (echoed); from a pipe or file, the next line of stdin, so a script can answer
 * (`printf 'y\nn\nc\n' | provision --step …`). Once stdin has ended there is no answer: the run
 * stops there (ansible-playbook too stops at EOF, exit 2), rather than guess `n` for the rest.
 */
import { createInterface } from 'node:readline';
import type { StepAnswer } from '../runner/options.ts';
import { parseStepAnswer } from '../runner/step-mode.ts';
import { readLine } from './prompt.ts';

/** Ask `question` on stderr (stdout stays the run's output, or its JSON) and read the answer. */
export async function askStep(question: string): Promise<StepAnswer> {
  if (!process.stdin.isTTY) {
    process.stderr.write(question);
    const line = readLine();
    process.stderr.write('\n');
    return parseStepAnswer(line);
  }
  const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
  try {
    return await new Promise<StepAnswer>((done) => {
      // Ctrl-C or Ctrl-D at the question: no answer, the run stops as at the end of piped answers.
      rl.on('SIGINT', () => done('stop'));
      rl.on('close', () => done('stop'));
      rl.question(question, (line) => done(parseStepAnswer(line)));
    });
  } finally {
    rl.close();
  }
}
