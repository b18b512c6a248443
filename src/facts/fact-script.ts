/**
 * The fact round trip's script and the reading of its output: the file facts as one batch
 * (file-batch.ts), every other fact's output in one frame, each frame base64 between markers
 * carrying a fresh nonce, so no file content can forge one.
 */
import { randomBytes } from 'node:crypto';
import { batchable, fileBatchCommands, type FileRead } from './file-batch.ts';
import { snippetFor } from './snippets.ts';
import type { FactRequest } from './types.ts';

/** File facts read in one batch (file-batch.ts), and the rest, one snippet each. */
export function split(missing: FactRequest[], batched: boolean): { batch: FactRequest[]; rest: FactRequest[] } {
  const inBatch = (r: FactRequest) => batched && r.type === 'file' && batchable(r.path);
  return { batch: missing.filter(inBatch), rest: missing.filter((r) => !inBatch(r)) };
}

/**
 * The file facts as one batch, every other request's output in one frame too; each frame's text
 * is base64 between markers with a fresh nonce (no file content can forge one). `single`: every
 * request in a frame of its own (the fallback when a batch does not add up).
 */
export function readScript(missing: FactRequest[], single: boolean): { script: string; nonce: string } {
  const nonce = randomBytes(6).toString('hex');
  const frame = (name: string, body: string) => `printf '\\n@@${nonce}:${name}\\n'; ( ${body}\n) 2>/dev/null | base64 -w0`;
  const { batch, rest } = split(missing, !single);
  const parts = single ? rest.map((req, i) => frame(String(i), snippetFor(req))) : rest.length ? [frame('cmds', together(rest))] : [];
  if (batch.length) {
    const c = fileBatchCommands(batch as FileRead[]);
    parts.unshift(frame('fs', c.stat), frame('fh', c.sums), frame('fc', c.content));
  }
  return { script: [`printf '\\n@@${nonce}:facts\\n'`, ...parts, `printf '\\n@@${nonce}:end\\n'`].join('\n'), nonce };
}

/**
 * Every snippet's output captured by the shell and printed after a `<index> <bytes>` line, so one
 * base64 process frames them all (it was a subshell and a base64 process per fact). The C locale
 * makes `${#o}` count bytes; `printf x` keeps trailing newlines; the shell drops NUL bytes, which
 * no snippet prints. A count that does not add up fails the batch (see `outputsOf`).
 */
function together(rest: FactRequest[]): string {
  const one = (req: FactRequest, i: number) =>
    `o=$( { ${snippetFor(req)}\n} 2>/dev/null; printf x); o=\${o%x}; printf '%s %s\\n' ${i} "\${#o}"; printf '%s' "$o"`;
  return ['LC_ALL=C', ...rest.map(one)].join('\n');
}

/** The outputs of `together`, by index; undefined when the counts do not add up. */
export function outputsOf(buf: Buffer, count: number): Buffer[] | undefined {
  const out: Buffer[] = [];
  let at = 0;
  for (let i = 0; i < count; i++) {
    const nl = buf.indexOf(10, at);
    const m = nl < 0 ? null : /^(\d+) (\d+)$/.exec(buf.subarray(at, nl).toString('latin1'));
    if (!m || Number(m[1]) !== i || nl + 1 + Number(m[2]) > buf.length) return undefined;
    out.push(buf.subarray(nl + 1, nl + 1 + Number(m[2])));
    at = nl + 1 + Number(m[2]);
  }
  return at === buf.length ? out : undefined;
}

export function parseFrames(stdout: string, nonce: string): { head: string; frames: Map<string, string> } {
  const frames = new Map<string, string>();
  const marker = `@@${nonce}:`;
  const head: string[] = [];
  let current: string | null = null;
  for (const line of stdout.split('\n')) {
    if (line.startsWith(marker)) {
      current = line.slice(marker.length).trim();
      frames.set(current, '');
    } else if (current !== null) {
      frames.set(current, (frames.get(current) ?? '') + line.trim());
    } else {
      head.push(line);
    }
  }
  return { head: head.join('\n'), frames };
}
