/**
 * Gathers many facts in ONE remote script (one round trip) and caches them for the run.
 * Each snippet's output is base64-framed between markers carrying a random nonce, so no file
 * content can forge a frame. The cache also learns from changes (a written file's new content is
 * known without reading it back), and a fork of it simulates a whole plan for --check.
 */
import { OperationError } from '../core/errors.ts';
import type { Transport } from '../transport/types.ts';
import { outputsOf, parseFrames, readScript, split } from './fact-script.ts';
import { parseFileBatch, type FileRead } from './file-batch.ts';
import { parseFact } from './snippets.ts';
import { factKey, type FactRequest, type Facts, type FactValueMap } from './types.ts';

/** A copied tree: facts under `dest` are those under `src` until something overrides them. */
interface Alias {
  src: string;
  dest: string;
  exclude: string[];
}

/** A file fact read under a path that a planned command creates: known only once it has run. */
export class FactPending extends OperationError {
  constructor(
    readonly path: string,
    readonly why: string,
  ) {
    super(`${path} is made by "${why}": planned once that has run`, { hint: 'a command guarded by `creates:` makes it' });
  }
}

const under = (path: string, dir: string) => path === dir || path.startsWith(dir.endsWith('/') ? dir : `${dir}/`);

export class FactCache implements Facts {
  private values = new Map<string, unknown>();
  private aliases: Alias[] = [];
  /** Paths a planned (not yet run) command creates, and that command (simulation only). */
  private pendings: { path: string; why: string }[] = [];

  constructor(
    private readonly transport: Transport,
    readonly host: string,
  ) {}

  /** A copy whose learning does not reach this cache (for simulating a plan). */
  fork(): FactCache {
    const f = new FactCache(this.transport, this.host);
    f.values = new Map(this.values);
    f.aliases = [...this.aliases];
    f.pendings = [...this.pendings];
    return f;
  }

  /** One line per fact known (`-vv`): its key and its value, shortened. */
  summary(width = 160): string[] {
    return [...this.values].map(([k, v]) => {
      const short = (_key: string, x: unknown) =>
        typeof x === 'string' && x.length > 60
          ? `${x.slice(0, 57)}...`
          : (x as { type?: string })?.type === 'Buffer'
            ? `<${(x as { data: unknown[] }).data.length} bytes>`
            : x;
      const text = `${k} = ${JSON.stringify(v, short)}`;
      return text.length > width ? `${text.slice(0, width - 3)}...` : text;
    });
  }

  /** The request to actually read: file facts under a copied tree are read from its source. */
  private source(req: FactRequest): FactRequest {
    if (req.type !== 'file') return req;
    for (const a of [...this.aliases].reverse()) {
      if (under(req.path, a.dest) && !a.exclude.some((e) => under(req.path, `${a.dest}/${e}`))) {
        return { ...req, path: a.src + req.path.slice(a.dest.length) };
      }
    }
    return req;
  }

  private lookup(req: FactRequest): { found: boolean; value?: unknown } {
    const key = factKey(req);
    if (this.values.has(key)) return { found: true, value: this.values.get(key) };
    const src = this.source(req);
    if (src !== req && this.values.has(factKey(src))) {
      const v = this.values.get(factKey(src)) as { path: string };
      return { found: true, value: { ...v, path: (req as { path: string }).path } };
    }
    return { found: false };
  }

  has(req: FactRequest): boolean {
    return this.lookup(req).found;
  }

  get<R extends FactRequest>(req: R): FactValueMap[R['type']] {
    const wait = req.type === 'file' ? this.pendings.find((p) => under(req.path, p.path)) : undefined;
    if (wait) throw new FactPending(wait.path, wait.why);
    const hit = this.lookup(req);
    if (!hit.found) {
      throw new OperationError(`fact ${factKey(req)} was used but not gathered`, {
        host: this.host,
        hint: 'an operation must list every fact it reads in its facts() function',
      });
    }
    return hit.value as FactValueMap[R['type']];
  }

  /** Record what is now known to be true. */
  set<R extends FactRequest>(req: R, value: FactValueMap[R['type']]): void {
    this.values.set(factKey(req), value);
  }

  /** Forget facts, so the next task reads them afresh. */
  invalidate(predicate: (req: FactRequest) => boolean): void {
    for (const key of [...this.values.keys()]) {
      if (predicate(JSON.parse(key) as FactRequest)) this.values.delete(key);
    }
  }

  /** From now on, file facts under `dest` are those of `src` (a `cp -a` copy was made). */
  alias(src: string, dest: string, exclude: string[] = []): void {
    this.invalidate((r) => r.type === 'file' && under(r.path, dest));
    this.aliases.push({ src, dest, exclude: exclude.map((e) => e.replace(/\/\*$/, '/')) });
  }

  /** In a simulation: what is under `path` is known only after the command `why` has run. */
  pending(path: string, why: string): void {
    this.pendings.push({ path, why });
  }

  /** Forget aliases and facts under a removed path. */
  forget(path: string): void {
    this.aliases = this.aliases.filter((a) => !under(a.dest, path));
    this.invalidate((r) => r.type === 'file' && under(r.path, path));
  }

  /**
   * Gather every request not already known, in one round trip. `prelude` is shell run first in the
   * same script (the lock); its output is returned.
   */
  async gather(requests: FactRequest[], prelude = ''): Promise<string> {
    const missing = this.missing(requests);
    if (missing.length === 0 && !prelude) return '';
    let head = '';
    // A batch that did not add up (a file changed while it was read) is read again one by one.
    for (const single of [false, true]) {
      const { script, nonce } = readScript(missing, single);
      const res = await this.transport.exec(single ? script : [prelude, script].join('\n'));
      const parsed = parseFrames(res.stdout, nonce);
      if (!parsed.frames.has('end')) {
        throw new OperationError(`could not read facts from ${this.host}: the fact script did not finish`, {
          host: this.host,
          hint: `exit code ${res.code}; stderr: ${res.stderr.trim().slice(0, 400) || '(empty)'}`,
        });
      }
      if (!single) head = parsed.head;
      if (this.store(missing, parsed.frames)) break;
    }
    return head;
  }

  /**
   * The script that reads the requests not already known, to run at the end of another script (the
   * changes before the task that reads them: one round trip for both), and how to take its output
   * in. A read that did not finish (or did not add up) teaches nothing: the next gather reads them again.
   */
  readAfter(requests: FactRequest[]): { script: string; take: (stdout: string) => void } | undefined {
    const missing = this.missing(requests);
    if (missing.length === 0) return undefined;
    const { script, nonce } = readScript(missing, false);
    return {
      script,
      take: (stdout) => {
        const { frames } = parseFrames(stdout, nonce);
        if (frames.has('end')) this.store(missing, frames);
      },
    };
  }

  private missing(requests: FactRequest[]): FactRequest[] {
    return dedupe(requests.filter((r) => !this.has(r)).map((r) => this.source(r)));
  }

  /** Learn what the frames say; false (and nothing learnt) when the file batch did not add up. */
  private store(missing: FactRequest[], frames: Map<string, string>): boolean {
    const { batch, rest } = split(missing, frames.has('fs') || frames.has('cmds'));
    const b64 = (k: string) => Buffer.from(frames.get(k) ?? '', 'base64');
    const files = batch.length ? parseFileBatch(batch as FileRead[], { stat: b64('fs'), sums: b64('fh'), content: b64('fc') }) : [];
    const outputs = frames.has('cmds') ? outputsOf(b64('cmds'), rest.length) : rest.map((_, i) => b64(String(i)));
    if (!files || !outputs) return false;
    batch.forEach((req, i) => this.values.set(factKey(req), files[i]));
    rest.forEach((req, i) => this.values.set(factKey(req), parseFact(req, outputs[i]!)));
    return true;
  }
}

function dedupe(reqs: FactRequest[]): FactRequest[] {
  const seen = new Map<string, FactRequest>();
  for (const r of reqs) seen.set(factKey(r), r);
  return [...seen.values()];
}
