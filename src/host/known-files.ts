/** What the fact cache can be told about a file after a change, without reading the host again. */
import type { FactCache } from '../facts/gather.ts';
import type { FileFact } from '../facts/types.ts';

/** Record a file's new state (and its content, when known, or its absence). */
export function setFile(cache: FactCache, path: string, f: Omit<FileFact, 'path'>, content?: Buffer): void {
  cache.invalidate((r) => r.type === 'file' && r.path === path);
  cache.set({ type: 'file', path }, { path, ...f });
  if (content !== undefined || !f.exists) {
    cache.set({ type: 'file', path, content: true }, { path, ...f, ...(content ? { content } : {}) });
  }
}

/** The file fact already known for a path, with or without content. */
export function existing(cache: FactCache, path: string): FileFact | undefined {
  for (const req of [
    { type: 'file' as const, path },
    { type: 'file' as const, path, content: true },
  ]) {
    if (cache.has(req)) return cache.get(req);
  }
  return undefined;
}

/** A path with nothing at it. */
export const ABSENT = { exists: false, type: null, mode: null, owner: null, group: null, size: null, sha256: null } as const;
