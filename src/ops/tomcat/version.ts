/**
 * Which Tomcat is installed. The fact command works on a bare CentOS 7 box (no Python): it reads
 * ServerInfo.properties from lib/catalina.jar with `unzip -p` when unzip exists, else the
 * RELEASE-NOTES of a tarball install, else asks `java` itself (slow, but java is always there).
 */
import { sh } from '../../core/quote.ts';
import { cachedCommand } from '../../facts/host-cache.ts';

export interface TomcatVersion {
  major: number;
  minor: number;
  patch: number;
  /** As reported, e.g. `10.1.60`. */
  text: string;
}

/** Shell that prints the version of the Tomcat in `home` (CATALINA_HOME). */
export function versionCommand(home: string): string {
  const jar = `${home}/lib/catalina.jar`;
  const notes = `${home}/RELEASE-NOTES`;
  return cachedCommand(
    sh`j=${jar}; n=${notes}`.text +
      '; if command -v unzip >/dev/null 2>&1' +
      ' && unzip -p "$j" org/apache/catalina/util/ServerInfo.properties 2>/dev/null | grep "^server\\.\\(info\\|number\\)="; then :' +
      '; elif [ -f "$n" ] && grep -m1 "Apache Tomcat Version" "$n"; then :' +
      '; elif [ -f "$j" ]; then J=java; [ -n "$JAVA_HOME" ] && J="$JAVA_HOME/bin/java"' +
      '; "$J" -cp "$j" org.apache.catalina.util.ServerInfo 2>/dev/null | grep -i "server \\(version\\|number\\)"' +
      '; else false; fi',
    // The answer is the jar's (or the notes'): kept on the host while they are the same files.
    [jar, notes],
  );
}

/**
 * Parse any of: `server.number=10.1.60.0`, `server.info=Apache Tomcat/10.1.60 (Debian)`,
 * `Apache Tomcat Version 9.0.31`, `Server version: Apache Tomcat/8.5.100`.
 */
export function parseTomcatVersion(out: string): TomcatVersion | null {
  const m =
    /server\.number=(\d+)\.(\d+)\.(\d+)/.exec(out) ??
    /Server number:\s*(\d+)\.(\d+)\.(\d+)/i.exec(out) ??
    /Apache Tomcat(?:\/|\s+Version\s+)(\d+)\.(\d+)\.(\d+)/i.exec(out);
  if (!m) return null;
  const [major, minor, patch] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return { major, minor, patch, text: `${major}.${minor}.${patch}` };
}

/** Parse a user-given version: `10.1`, `9.0.31`, `8.5`. */
export function parseVersionArg(v: string | number): TomcatVersion | null {
  const m = /^(\d+)(?:\.(\d+))?(?:\.(\d+))?$/.exec(String(v).trim());
  if (!m) return null;
  const [major, minor, patch] = [Number(m[1]), Number(m[2] ?? 0), Number(m[3] ?? 999)];
  return { major, minor, patch, text: String(v) };
}

/** a >= b, comparing major.minor.patch. */
export function atLeast(v: TomcatVersion, major: number, minor = 0, patch = 0): boolean {
  if (v.major !== major) return v.major > major;
  if (v.minor !== minor) return v.minor > minor;
  return v.patch >= patch;
}
