/**
 * Applications deployed by hand: directories in an instance's webapps/ with no `<name>.war` beside
 * them (a directory beside its WAR is Tomcat's expansion of it). A listing, so a command fact; it
 * prints each one's WEB-INF/web.xml and META-INF/context.xml (base64), which the traps parse as XML.
 */
import { sh } from '../../core/quote.ts';
import type { Facts } from '../../facts/types.ts';

/** One hand-deployed application: its directory name and the texts of its descriptors (undefined: none). */
export interface ExplodedApp {
  name: string;
  dir: string;
  webXml?: string;
  contextXml?: string;
}

const FILES = { 'WEB-INF/web.xml': 'webXml', 'META-INF/context.xml': 'contextXml' } as const;

/** The fact request listing the hand-deployed applications of the instance in `home`. */
export function explodedAppsRequest(home: string): { type: 'command'; command: string } {
  return {
    type: 'command',
    command:
      sh`w=${`${home}/webapps`}`.text +
      '; for d in "$w"/*/; do [ -d "$d" ] || continue; n=${d%/}; n=${n##*/}; [ -e "$w/$n.war" ] && continue; echo "app $n"' +
      `; for f in ${Object.keys(FILES).join(' ')}; do [ -f "$d$f" ] && { printf 'file %s ' "$f"; base64 -w0 < "$d$f"; echo; }; done; done`,
  };
}

/** Parse the listing (no webapps/ directory, e.g. a copy not made yet: none). */
export function explodedApps(home: string, facts: Facts): ExplodedApp[] {
  const out: ExplodedApp[] = [];
  for (const line of facts.get(explodedAppsRequest(home)).stdout.split('\n')) {
    const [tag, a, b] = line.split(' ');
    if (tag === 'app' && a) out.push({ name: a, dir: `${home}/webapps/${a}` });
    const key = FILES[a as keyof typeof FILES];
    const app = out.at(-1);
    if (tag === 'file' && key && app) app[key] = Buffer.from(b ?? '', 'base64').toString('utf8');
  }
  return out;
}
