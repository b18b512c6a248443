/**
 * Versions of the counter app (examples/counter-app) for deploy tests, built into a temp directory:
 * an exploded app directory, a WAR with real (current) file timestamps, and a WAR that cannot
 * start. The version is one line of index.jsp (`String version = "1"; // APP-VERSION`), so a
 * deploy that leaves an old compiled JSP behind serves the old version and the test sees it.
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { zipSync, type Zippable } from 'fflate';

export const COUNTER_APP = join(import.meta.dirname, '../../examples/counter-app');
const VERSION_LINE = /^(\s*String version = )"[^"]*";(.*APP-VERSION.*)$/m;

/** The app's version as index.jsp declares it. */
export function appVersion(dir: string): string {
  const m = /String version = "([^"]*)";.*APP-VERSION/.exec(readFileSync(join(dir, 'index.jsp'), 'utf8'));
  if (!m) throw new Error(`${dir}/index.jsp has no APP-VERSION line`);
  return m[1]!;
}

/** A temp directory for one test file's apps; `cleanup()` removes it. */
export function appWorkspace(): { root: string; cleanup(): void } {
  const root = mkdtempSync(join(tmpdir(), 'provision-apps-'));
  return { root, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

/** (a) An exploded app directory of `version`: a copy of the counter app with its version line changed. */
export function appDir(root: string, version: string): string {
  if (!/^[\w.'-]+$/.test(version)) throw new Error(`version ${JSON.stringify(version)}: letters, digits, . - ' only`);
  const dir = join(root, `counter-v${version.replace(/'/g, 'p')}`);
  rmSync(dir, { recursive: true, force: true });
  cpSync(COUNTER_APP, dir, { recursive: true });
  rmSync(join(dir, 'README.md'), { force: true });
  const jsp = join(dir, 'index.jsp');
  const text = readFileSync(jsp, 'utf8');
  if (!VERSION_LINE.test(text)) throw new Error(`${jsp} has no APP-VERSION line`);
  writeFileSync(jsp, text.replace(VERSION_LINE, `$1"${version}";$2`));
  return dir;
}

function walk(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((n) => {
      const p = join(dir, n);
      return statSync(p).isDirectory() ? [`${p}/`, ...walk(p)] : [p];
    });
}

/**
 * Zip `dir` as a WAR keeping each file's real modification time (as `jar` or `zip` would), unlike
 * provision's deterministic zip whose entries all say 2000-01-01.
 */
export function zipDir(dir: string, outPath: string): string {
  const z: Zippable = {};
  for (const p of walk(dir)) {
    const name = relative(dir, p) + (p.endsWith('/') ? '/' : '');
    const mtime = statSync(p).mtime;
    z[name] = p.endsWith('/') ? [new Uint8Array(0), { mtime, level: 0 }] : [readFileSync(p), { mtime, level: 6 }];
  }
  writeFileSync(outPath, zipSync(z));
  return outPath;
}

/**
 * (b) A WAR of `version` with real, current timestamps. Build it right before deploying it: zip
 * timestamps have a 2 s resolution, and two versions built in the same 2 s look alike to Jasper.
 */
export function appWar(root: string, version: string): string {
  const dir = appDir(root, version);
  return zipDir(dir, `${dir}.war`);
}

/** The class a broken app's listener names; it exists nowhere. */
export const MISSING_LISTENER = 'provision.test.NoSuchListener';

/**
 * (c) A WAR of `version` that cannot start: its web.xml names a listener class that does not
 * exist, so Tomcat starts ("Server startup in") but the context does not, and /counter/ answers
 * 404. Tomcat 10.1.60 logs in catalina.out `SEVERE … StandardContext.startInternal One or more
 * listeners failed to start. Full details will be found in the appropriate container log file`
 * and `SEVERE … Context [/counter] startup failed due to previous errors`; the class itself is in
 * logs/localhost.<date>.log: `Error configuring application listener of class
 * [provision.test.NoSuchListener]` / `java.lang.ClassNotFoundException: provision.test.NoSuchListener`.
 */
export function brokenWar(root: string, version = '3'): string {
  const dir = appDir(root, version);
  const webXml = join(dir, 'WEB-INF', 'web.xml');
  const text = readFileSync(webXml, 'utf8');
  const listener = `  <listener>\n    <listener-class>${MISSING_LISTENER}</listener-class>\n  </listener>\n`;
  writeFileSync(webXml, text.replace('</web-app>', `${listener}</web-app>`));
  return zipDir(dir, `${dir}-broken.war`);
}
