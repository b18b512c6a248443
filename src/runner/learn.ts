/**
 * What the fact cache can know after a change without reading the host again. In --check (and in
 * the pre-flight plan) this is how later tasks see earlier tasks' effects; after a real change it
 * saves a round trip.
 */
import { createHash } from 'node:crypto';
import type { Change } from '../core/change.ts';
import type { FactCache } from '../facts/gather.ts';
import type { FileFact } from '../facts/types.ts';

function setFile(cache: FactCache, path: string, f: Omit<FileFact, 'path'>, content?: Buffer): void {
  cache.invalidate((r) => r.type === 'file' && r.path === path);
  cache.set({ type: 'file', path }, { path, ...f });
  if (content !== undefined || !f.exists) {
    cache.set({ type: 'file', path, content: true }, { path, ...f, ...(content ? { content } : {}) });
  }
}

function existing(cache: FactCache, path: string): FileFact | undefined {
  for (const req of [{ type: 'file' as const, path }, { type: 'file' as const, path, content: true }]) {
    if (cache.has(req)) return cache.get(req);
  }
  return undefined;
}

const ABSENT = { exists: false, type: null, mode: null, owner: null, group: null, size: null, sha256: null } as const;

/** Update the cache for one change. `applied`: it really happened (vs. simulated). */
export function learn(cache: FactCache, change: Change, applied: boolean): void {
  switch (change.kind) {
    case 'write': {
      const old = existing(cache, change.path);
      setFile(
        cache,
        change.path,
        {
          exists: true,
          type: 'file',
          mode: change.mode ?? (old?.exists ? old.mode : 0o644),
          owner: change.owner ?? (old?.exists ? old.owner : null),
          group: change.group ?? (old?.exists ? old.group : null),
          size: change.content.length,
          sha256: createHash('sha256').update(change.content).digest('hex'),
        },
        change.content,
      );
      return;
    }
    case 'mkdir':
      setFile(cache, change.path, { exists: true, type: 'directory', mode: change.mode ?? 0o755, owner: change.owner ?? 'root', group: change.group ?? 'root', size: null, sha256: null });
      return;
    case 'attrs': {
      const old = existing(cache, change.path);
      if (!old) return;
      const next = { ...old, mode: change.mode ?? old.mode, owner: change.owner ?? old.owner, group: change.group ?? old.group };
      cache.invalidate((r) => r.type === 'file' && r.path === change.path);
      cache.set({ type: 'file', path: change.path }, next);
      if (old.content) cache.set({ type: 'file', path: change.path, content: true }, next);
      return;
    }
    case 'remove':
      cache.forget(change.path);
      setFile(cache, change.path, ABSENT);
      return;
    case 'copytree':
      cache.alias(change.src, change.dest, change.exclude);
      return;
    case 'firewall':
      for (const key of ['permanent', 'runtime'] as const) {
        const req = { type: 'firewall' as const, zone: change.zone };
        if (!cache.has(req)) continue;
        const fw = cache.get(req);
        const ports = change.state === 'present' ? [...new Set([...fw[key], change.port])] : fw[key].filter((p) => p !== change.port);
        cache.set(req, { ...fw, [key]: ports });
      }
      return;
    case 'firewall-reload':
    case 'balancer':
      // Runtime state of another daemon: no fact of this host reads it.
      return;
    case 'service': {
      const req = { type: 'service' as const, name: change.service.name, ...(change.service.status ? { status: change.service.status } : {}) };
      // A real start/restart may affect what other status commands see; a simulated one changes only itself.
      if (applied) cache.invalidate((r) => r.type === 'service');
      else cache.set(req, { running: change.action !== 'stop' });
      return;
    }
    case 'exec':
    case 'package':
      // Anything may have changed: read again what is needed next (in simulation, nothing did).
      if (applied) cache.invalidate(() => true);
      return;
  }
}
