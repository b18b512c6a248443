/**
 * Asking for a password on the terminal without echo (`--ask-vault-pass`, `-k`, `-K`). Without a
 * terminal the answer is one line of stdin, so a pipe can answer (`echo pw | provision -K …`).
 */
import { readSync } from 'node:fs';
import { UsageError } from '../core/errors.ts';

/** One line of a non-terminal stdin, read a byte at a time so the next prompt gets the next line. */
export function readLine(): string | undefined {
  const bytes: number[] = [];
  const one = Buffer.alloc(1);
  for (;;) {
    let n: number;
    try {
      n = readSync(0, one, 0, 1, null);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EAGAIN') continue;
      if ((e as NodeJS.ErrnoException).code === 'EOF') n = 0;
      else throw e;
    }
    if (n === 0) return bytes.length ? Buffer.from(bytes).toString('utf8') : undefined;
    if (one[0] === 0x0a) return Buffer.from(bytes).toString('utf8').replace(/\r$/, '');
    bytes.push(one[0]!);
  }
}

/** Read one line from stdin, showing `prompt` on stderr and echoing nothing typed. */
export async function askSecret(prompt: string): Promise<string> {
  const stdin = process.stdin;
  process.stderr.write(prompt);
  if (!stdin.isTTY) {
    const line = readLine();
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
