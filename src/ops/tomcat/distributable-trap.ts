/**
 * A trap real clusters fall into: an application that is not distributable after all. Tomcat
 * replicates a context's sessions only when its web.xml has `<distributable/>`; without it the
 * context silently gets a StandardManager. The `war` operation adds it to what it deploys, unless
 * told not to (`distributable: false`); an application deployed by hand (a directory in webapps/)
 * is nobody's to edit: both are said before any change, as warnings (the operator may mean it).
 */
import type { Facts } from '../../facts/types.ts';
import type { PlanContext } from '../types.ts';
import { ownManager } from './manager-trap.ts';
import { explodedApps } from './webapps-fact.ts';
import { isDistributable } from './web-xml.ts';

/** Tomcat's own applications (their sessions are not the cluster's business). */
const BUNDLED = new Set(['docs', 'examples', 'manager', 'host-manager']);
/** Tomcat's welcome page in ROOT (the tarball's ROOT/WEB-INF/web.xml). */
const WELCOME = /<display-name>\s*Welcome to Tomcat\s*<\/display-name>/;

/** `<distributable/>` in this web.xml? A web.xml that is not XML says so instead. */
function distributable(text: string, file: string): true | string {
  try {
    return isDistributable(text, file) || 'its web.xml has no <distributable/>';
  } catch (e) {
    return `its web.xml cannot be read as XML (${(e as Error).message})`;
  }
}

/** Warnings for the hand-deployed applications of an instance (web.xml not distributable, an own `<Manager>`). */
export function handDeployedWarnings(home: string, facts: Facts, ctx: PlanContext): string[] {
  const out: string[] = [];
  for (const app of explodedApps(home, facts)) {
    if (BUNDLED.has(app.name) || (app.name === 'ROOT' && app.webXml && WELCOME.test(app.webXml))) continue;
    const web = `${app.dir}/WEB-INF/web.xml`;
    const d = app.webXml === undefined ? true : distributable(app.webXml, web);
    if (d !== true) {
      out.push(
        `${web} on ${ctx.host}: ${app.name} (deployed by hand: no ${app.name}.war beside it) is not distributable: ${d}, ` +
          'so Tomcat does not replicate its sessions; add <distributable/> to its web.xml, ' +
          'or deploy it with the war operation (which adds it)',
      );
    }
    const file = `${app.dir}/META-INF/context.xml`;
    let m: ReturnType<typeof ownManager> = null;
    try {
      m = app.contextXml === undefined ? null : ownManager(app.contextXml, file);
    } catch {
      // Tomcat fails to deploy such an application; nothing to say about its sessions.
    }
    if (m) {
      out.push(
        `${file}:${m.line} on ${ctx.host}: ${app.name} (deployed by hand) has its own <Manager className="${m.className}">, ` +
          "which Tomcat uses instead of the cluster's: its sessions are not replicated; remove the <Manager> element",
      );
    }
  }
  return out;
}

/** The warning for a WAR deployed with `distributable: false` whose web.xml lacks `<distributable/>`. */
export function warDistributableWarning(web: string | undefined, label: string, ctx: PlanContext): string | undefined {
  const d = web === undefined ? 'it has no WEB-INF/web.xml' : distributable(web, label);
  if (d === true) return undefined;
  return (
    `${label} (deployed to ${ctx.host}) is not distributable: ${d}, and distributable: false keeps provision from adding it, ` +
    'so Tomcat does not replicate its sessions; add <distributable/> to WEB-INF/web.xml, or drop distributable: false'
  );
}
