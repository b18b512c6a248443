/**
 * What the host's Apache build can do: its version (`httpd -v`) and compiled-in modules
 * (`httpd -l`), read as one command fact in the fact round trip, and the module files present in
 * the layout's modules directory. Plans refuse (or fall back) before any change when the config
 * would ask for something the build lacks.
 */
import { sh } from '../../core/quote.ts';
import { cachedCommand } from '../../facts/host-cache.ts';
import { type CommandFact, type FactRequest } from '../../facts/types.ts';
import { layoutHome, type ApacheLayout } from './layout.ts';

/** An Apache version, e.g. `[2, 4, 6]`. */
export type Version = readonly [number, number, number];

/** `secret=` on an AJP worker: httpd 2.4.42. */
export const AJP_SECRET_SINCE: Version = [2, 4, 42];
/** mod_proxy_hcheck: httpd 2.4.21. */
export const HCHECK_SINCE: Version = [2, 4, 21];

export interface ApacheBuild {
  /** Null when the binary did not answer (not installed, another path): the staged test still guards. */
  version: Version | null;
  /** `Server version:` line as the binary printed it. */
  text: string | null;
  /** Compiled-in modules, by source file (`mod_watchdog.c`). */
  builtIn: Set<string>;
}

/**
 * The one command fact: version, then the compiled-in modules; kept on the host while the binary
 * is the same file (Debian's apache2ctl is a script: the binary it runs is /usr/sbin/apache2).
 */
export function buildFact(bin: string): Extract<FactRequest, { type: 'command' }> {
  const files = bin === '/usr/sbin/apache2ctl' ? [bin, '/usr/sbin/apache2'] : [bin];
  return { type: 'command', command: cachedCommand(sh`${bin} -v && ${bin} -l`.text, files) };
}

/** Parse `httpd -v` + `httpd -l` output (`Server version: Apache/2.4.6 (CentOS)`, `  mod_so.c`). */
export function parseBuild(f: CommandFact): ApacheBuild {
  const line = /^Server version:\s*(.*)$/m.exec(f.stdout)?.[1]?.trim() ?? null;
  const m = /Apache\/(\d+)\.(\d+)\.(\d+)/.exec(line ?? '');
  const builtIn = new Set([...f.stdout.matchAll(/^\s+(mod_\w+\.c)\s*$/gm)].map((x) => x[1]!));
  return { version: m ? [Number(m[1]), Number(m[2]), Number(m[3])] : null, text: line, builtIn };
}

export const versionText = (v: Version): string => v.join('.');

/** a < b. */
export function older(a: Version, b: Version): boolean {
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i]! < b[i]!;
  return false;
}

/** Where the layout's shared modules are: `LoadModule … modules/mod_x.so` resolves here. */
export function modulesDir(layout: ApacheLayout, apacheHome?: string): string {
  if (layout === 'debian') return '/usr/lib/apache2/modules';
  return `${layoutHome(layout, apacheHome)}/modules`;
}
