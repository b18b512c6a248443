/**
 * `--step`'s answers from a pipe (cli/step-prompt.ts), in a real child process: one line per
 * question, the question on stderr, and no answer once stdin has ended.
 */
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../..');
const SCRIPT = `
import { askStep } from './src/cli/step-prompt.ts';
const got = [];
for (const n of ['one', 'two', 'three', 'four', 'five']) got.push(await askStep('Perform task: TASK: ' + n + ' (N)o/(y)es/(c)ontinue: '));
console.log(JSON.stringify(got));
`;

const run = (input: string) => execa('node', ['--import', 'tsx', '--input-type=module', '-e', SCRIPT], { cwd: ROOT, input, reject: false });

describe('askStep from a pipe', () => {
  it('reads one answer a line, then stops at the end of stdin', async () => {
    const r = await run('y\n\nC\r\nno\n');
    expect(r.exitCode, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(['yes', 'no', 'continue', 'no', 'stop']);
    expect(r.stderr).toContain('Perform task: TASK: one (N)o/(y)es/(c)ontinue: ');
    expect(r.stderr).toContain('Perform task: TASK: five (N)o/(y)es/(c)ontinue: ');
  });
  it('a last line without a newline is still an answer', async () => {
    const r = await run('y\nc');
    expect(JSON.parse(r.stdout)).toEqual(['yes', 'continue', 'stop', 'stop', 'stop']);
  });
});
