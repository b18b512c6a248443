/**
 * Asking for a password on the terminal without echo (`--ask-vault-pass`, `-k`, `-K`). Without a
 * terminal the answer is one line of stdin, so a pipe can answer (`echo pw | provision -K …`).
 */
import { createInterface } from 'node:readline';
import { UsageError } from '../core/errors.ts';

/** Read one line from stdin, showing `prompt` on stderr and echoing nothing typed. */
export async function askSecret(prompt: string): Promise<string> {
  const stdin = process.stdin;
  process.stderr.write(prompt);
  if (!stdin.isTTY) {
    const rl = createInterface({ input: stdin });
    const line = await new Promise<string | undefined>((resolve) => {
      rl.once('line', resolve);
      rl.once('close', () => resolve(undefined));
    });
    rl.close();
    process.stderr.write('\n');
    if (line === undefined)
      throw new UsageError(`${prompt.trim()} no answer: stdin is closed`, { hint: 'run it in a terminal, or pipe the password in' });
    return line;
  }
  stdin.setRawMode(true);
  stdin.resume();
  try {
    return await new Promise<string>((resolve, reject) => {
      let typed = '';
      const onData = (chunk: Buffer) => {
        for (const ch of chunk.toString('utf8')) {
          if (ch === '\r' || ch === '\n') {
            stdin.off('data', onData);
            return resolve(typed);
          }
          if (ch === '\u0003') {
            stdin.off('data', onData);
            return reject(new UsageError('interrupted at the password prompt'));
          }
          typed = ch === '\u007f' || ch === '\b' ? typed.slice(0, -1) : typed + ch;
        }
      };
      stdin.on('data', onData);
    });
  } finally {
    stdin.setRawMode(false);
    stdin.pause();
    process.stderr.write('\n');
  }
}
