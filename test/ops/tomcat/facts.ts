/** Tier-1 facts: a map from request to answer, built from fixture files (no host involved). */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { factKey, type FactRequest, type Facts, type FileFact } from '../../../src/facts/types.ts';
import type { PlanContext } from '../../../src/ops/types.ts';

export const FIX = new URL('../../fixtures/tomcat/', import.meta.url).pathname;
export const fixture = (name: string) => readFileSync(FIX + name, 'utf8');

export function fileFact(path: string, content?: string | Buffer | null, mode = 0o644, type: FileFact['type'] = 'file'): FileFact {
  if (content === null) return { path, exists: false, type: null, mode: null, owner: null, group: null, size: null, sha256: null };
  const buf = content === undefined ? undefined : Buffer.from(content);
  return {
    path,
    exists: true,
    type,
    mode,
    owner: 'tomcat',
    group: 'tomcat',
    size: buf?.length ?? 4096,
    sha256: buf ? createHash('sha256').update(buf).digest('hex') : null,
    ...(buf ? { content: buf } : {}),
  };
}

/** Answers for the given requests; a request not declared here throws like the real cache. */
export class MapFacts implements Facts {
  private m = new Map<string, unknown>();
  /** Files by path: content (string), null (absent) or 'dir'. */
  constructor(files: Record<string, string | Buffer | null | 'dir'>, commands: Record<string, string> = {}) {
    for (const [path, c] of Object.entries(files)) {
      const f = c === 'dir' ? fileFact(path, undefined, 0o755, 'directory') : fileFact(path, c);
      this.m.set(factKey({ type: 'file', path }), c === 'dir' || c === null ? f : { ...f, content: undefined });
      this.m.set(factKey({ type: 'file', path, content: true }), f);
    }
    for (const [command, stdout] of Object.entries(commands)) this.m.set(factKey({ type: 'command', command }), { code: 0, stdout });
  }
  get<R extends FactRequest>(req: R): never {
    const k = factKey(req);
    if (!this.m.has(k)) throw new Error(`fact not declared in the test: ${k}`);
    return this.m.get(k) as never;
  }
}

export function ctx(
  host = 'web1',
  vars: Record<string, unknown> = {},
  hostvars: Record<string, Record<string, unknown>> = { [host]: vars },
): PlanContext {
  return { host, vars, hostvars, playHosts: Object.keys(hostvars), baseDir: FIX };
}

/** The context files the traps read, absent (files), for these instance homes and application. */
export function noContextFiles(homes: string[], app?: string): Record<string, null> {
  return Object.fromEntries(
    homes.flatMap((h) => [
      [`${h}/conf/context.xml`, null],
      [`${h}/conf/Catalina/localhost/context.xml.default`, null],
      ...(app ? [[`${h}/conf/Catalina/localhost/${app}.xml`, null]] : []),
    ]),
  );
}
