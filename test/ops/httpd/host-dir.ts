/**
 * A host's filesystem rooted in a temp directory, for tier-1 plans: facts are read from real files
 * (lstat/readFile), `write` changes are written, and `exec` changes run for real with their absolute
 * paths moved under the root. Only the operation's declared facts can be read, as in the runner.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Change } from '../../../src/core/change.ts';
import { factKey, type CommandFact, type FactRequest, type Facts, type FileFact } from '../../../src/facts/types.ts';
import type { OperationDef, Plan, PlanContext } from '../../../src/ops/types.ts';
import { shown } from '../shown.ts';

export class HostDir {
  readonly root = mkdtempSync(join(tmpdir(), 'provision-httpd-'));
  /** Answers of command facts (`httpd -v && httpd -l`), by command; any other command exits 127 (not found). */
  readonly commands = new Map<string, CommandFact>();

  /** Local path of a path on the "host". */
  at(remote: string): string {
    return join(this.root, remote);
  }

  put(remote: string, content: string | Buffer): void {
    mkdirSync(dirname(this.at(remote)), { recursive: true });
    writeFileSync(this.at(remote), content);
  }

  /** Copy a local file or directory to `remote`. */
  copyIn(local: string, remote: string): void {
    mkdirSync(dirname(this.at(remote)), { recursive: true });
    cpSync(local, this.at(remote), { recursive: true, verbatimSymlinks: true });
  }

  read(remote: string): string {
    return readFileSync(this.at(remote), 'utf8');
  }

  fileFact(req: { path: string; content?: boolean }): FileFact {
    const local = this.at(req.path);
    let st;
    try {
      st = lstatSync(local);
    } catch {
      return { path: req.path, exists: false, type: null, mode: null, owner: null, group: null, size: null, sha256: null };
    }
    const type = st.isSymbolicLink() ? 'link' : st.isFile() ? 'file' : st.isDirectory() ? 'directory' : 'other';
    const f: FileFact = {
      path: req.path,
      exists: true,
      type,
      mode: st.mode & 0o7777,
      owner: 'root',
      group: 'root',
      size: st.size,
      sha256: null,
    };
    if (req.content && type === 'file') f.content = readFileSync(local);
    return f;
  }

  /** Gather the op's declared facts, then plan. */
  async plan<A>(op: OperationDef<A>, args: A, ctx: PlanContext): Promise<Plan> {
    const declared = new Map<string, FactRequest>(op.facts(args, ctx).map((r) => [factKey(r), r]));
    const facts: Facts = {
      get: (req) => {
        if (!declared.has(factKey(req))) throw new Error(`fact not declared: ${factKey(req)}`);
        if (req.type === 'command') return (this.commands.get(req.command) ?? { code: 127, stdout: '' }) as never;
        if (req.type !== 'file') throw new Error(`unexpected fact type ${req.type}`);
        return this.fileFact(req) as never;
      },
    };
    return shown(op, args, await op.plan(args, facts, ctx));
  }

  /** Apply write and exec changes (a staged check changes nothing: skipped); anything else is an error here. */
  apply(changes: Change[]): void {
    for (const c of changes) {
      if (c.kind === 'staged-check') continue;
      if (c.kind === 'write') this.put(c.path, c.content);
      else if (c.kind === 'exec') execFileSync('sh', ['-c', c.command.split(' /').join(` ${this.root}/`)]);
      else throw new Error(`HostDir cannot apply ${c.kind}`);
    }
  }

  remove(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}

export function ctxFor(host = 'web1', vars: Record<string, unknown> = {}): PlanContext {
  return { host, vars, hostvars: { [host]: vars }, playHosts: [host], baseDir: '/nonexistent' };
}

/** Indices of lines that differ between two texts with the same line count. */
export function changedLines(before: string, after: string): string[] {
  const a = before.split('\n');
  const b = after.split('\n');
  if (a.length !== b.length) throw new Error(`line count changed: ${a.length} → ${b.length}`);
  return b.filter((l, i) => l !== a[i]);
}
