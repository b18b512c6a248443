/** The Tomcat version as a fact request, and its reading inside `plan`. */
import { OperationError } from '../../core/errors.ts';
import type { Facts } from '../../facts/types.ts';
import type { PlanContext } from '../types.ts';
import { parseTomcatVersion, parseVersionArg, versionCommand, type TomcatVersion } from './version.ts';

export function versionRequest(home: string): { type: 'command'; command: string } {
  return { type: 'command', command: versionCommand(home) };
}

/** The user's `version:` argument, else the detected one; neither → OperationError. */
export function versionFromFacts(arg: string | undefined, home: string, facts: Facts, ctx: PlanContext): TomcatVersion {
  if (arg !== undefined) {
    const v = parseVersionArg(arg);
    if (!v)
      throw new OperationError(`version ${JSON.stringify(arg)} is not a Tomcat version`, { hint: 'write it like "10.1" or "9.0.31"' });
    return v;
  }
  const out = facts.get(versionRequest(home)).stdout;
  const v = parseTomcatVersion(out);
  if (!v) {
    throw new OperationError(`cannot tell which Tomcat is in ${home} on ${ctx.host}`, {
      hint: `expected ${home}/lib/catalina.jar (read with unzip or java) or ${home}/RELEASE-NOTES; or give version: "10.1"`,
    });
  }
  return v;
}
