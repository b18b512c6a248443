/**
 * `tomcat_instance`: a second (third…) Tomcat from an existing home (recipe steps 1-2). The copy
 * is made only when the destination is absent; ports, AJP and the environment block are planned
 * from the SOURCE files while the copy does not exist yet, and from the copy afterwards.
 */
import type { Change } from '../../core/change.ts';
import { OperationError } from '../../core/errors.ts';
import { sh } from '../../core/quote.ts';
import { fact, type Facts, type FileFact } from '../../facts/types.ts';
import { defineOperation } from '../types.ts';
import { fileRequest as fileReq, writeText } from '../kit.ts';
import { textOf } from './common.ts';
import { ensureEnvInCatalinaSh, ensureEnvInSetenv } from './env-block.ts';
import { editServerXml, resolvePorts, type AjpSpec, type PortSpec } from './server-xml.ts';
import { versionFromFacts, versionRequest } from './version-fact.ts';
import { instanceSchema } from './schemas.ts';

/** Arguments of `tomcat_instance`. */
export interface TomcatInstanceArgs {
  /** Existing Tomcat home (CATALINA_HOME of tomcat 1), e.g. /opt/tomcat. */
  source: string;
  /** New instance directory (default: `source`, i.e. configure the source in place). */
  dest?: string;
  /** Ports: explicit and/or `offset` from the source's (recipe: offset 1). */
  ports?: PortSpec;
  /** Enable and secure the AJP connector. */
  ajp?: AjpSpec;
  /** `<Engine jvmRoute>`. */
  jvmRoute?: string;
  /** Where the instance environment goes (default catalina.sh for a copy, none in place). */
  env?: 'catalina.sh' | 'setenv.sh' | 'none';
  /** Tomcat version (e.g. "10.1"); detected from the source's lib/catalina.jar when absent. */
  version?: string;
}

/** Left out of the copy: a new instance starts with empty logs, work and temp, and without the source's PID file. */
export const COPY_EXCLUDE = ['logs/*', 'work/*', 'temp/*', 'bin/tomcat.pid'];

function paths(a: TomcatInstanceArgs) {
  const dest = a.dest ?? a.source;
  return {
    dest,
    parent: dest.replace(/\/+[^/]*\/*$/, '') || '/',
    srcServer: `${a.source}/conf/server.xml`,
    srcCatalina: `${a.source}/bin/catalina.sh`,
    server: `${dest}/conf/server.xml`,
    catalina: `${dest}/bin/catalina.sh`,
    setenv: `${dest}/bin/setenv.sh`,
    srcSetenv: `${a.source}/bin/setenv.sh`,
  };
}

/**
 * Free space where the copy goes and the size of what is copied, in KiB, only while the copy does
 * not exist yet (a rerun pays nothing). `du` leaves out what the copy leaves out.
 */
export function copySpaceCommand(source: string, dest: string, parent: string): string {
  const df = sh`df -Pk -- ${parent} | awk 'NR==2{print "free=" $4}'`.text;
  const du = sh`du -sk --exclude=logs --exclude=work --exclude=temp -- ${source} | awk '{print "need=" $1}'`.text;
  return `${sh`[ -e ${dest} ]`.text} || { ${df}; ${du}; }`;
}

/** What the copy needs, checked while planning so that bad input changes nothing on any host. */
function checkCopy(source: string, dest: string, parent: string, facts: Facts, host: string): void {
  const get = (path: string): FileFact => facts.get(fileReq(path));
  const src = get(source);
  if (!src.exists || src.type !== 'directory') {
    throw new OperationError(`the Tomcat to copy, ${source}, is not a directory on ${host}`, {
      hint: 'source must be the home of an installed Tomcat (it has conf/server.xml)',
    });
  }
  const up = get(parent);
  if (!up.exists || up.type !== 'directory') {
    throw new OperationError(`cannot create ${dest} on ${host}: its parent directory ${parent} does not exist`, {
      hint: 'check the instance home (a typo, or a stray character such as ; or $ in the path), or create the parent first',
    });
  }
  const out = facts.get({ type: 'command', command: copySpaceCommand(source, dest, parent) }).stdout;
  const num = (k: string) => Number(new RegExp(`^${k}=(\\d+)$`, 'm').exec(out)?.[1] ?? NaN);
  const free = num('free');
  const need = num('need');
  if (free < need) {
    const mib = (k: number) => `${Math.ceil(k / 1024)} MiB`;
    throw new OperationError(`not enough space in ${parent} on ${host} to copy ${source}: needs ${mib(need)}, ${mib(free)} free`, {
      hint: 'free some space there, or put the instance on another file system',
    });
  }
}

export const tomcatInstance = defineOperation<TomcatInstanceArgs>({
  name: 'tomcat_instance',
  schema: instanceSchema,
  facts(a) {
    const p = paths(a);
    const reqs = [
      fact.file(p.dest),
      fact.file(p.srcServer, true),
      fact.file(p.server, true),
      fact.file(p.srcCatalina, true),
      fact.file(p.catalina, true),
      fact.file(p.setenv, true),
      fact.file(p.srcSetenv, true),
    ];
    if (p.dest !== a.source)
      reqs.push(fact.file(a.source), fact.file(p.parent), fact.command(copySpaceCommand(a.source, p.dest, p.parent)));
    return a.version ? reqs : [...reqs, versionRequest(a.source)];
  },
  plan(a, facts, ctx) {
    const p = paths(a);
    const get = (path: string, content = false): FileFact => facts.get(fileReq(path, content));
    const destFact = get(p.dest);
    const copying = p.dest !== a.source && !destFact.exists;
    if (destFact.exists && destFact.type !== 'directory') {
      throw new OperationError(`${p.dest} exists on ${ctx.host} and is not a directory`, {
        hint: 'choose another dest, or remove that file',
      });
    }
    if (copying) checkCopy(a.source, p.dest, p.parent, facts, ctx.host);
    const version = versionFromFacts(a.version, a.source, facts, ctx);
    const changes: Change[] = [];
    if (copying) {
      changes.push({
        kind: 'copytree',
        summary: `copy ${a.source} to ${p.dest} (without logs, work, temp, PID file)`,
        src: a.source,
        dest: p.dest,
        exclude: COPY_EXCLUDE,
      });
      for (const d of ['logs', 'work', 'temp']) changes.push({ kind: 'mkdir', summary: `create ${p.dest}/${d}`, path: `${p.dest}/${d}` });
    }
    // Server.xml: what the instance's file is (or will be right after the copy).
    const srcServerFact = get(p.srcServer, true);
    const srcServer = textOf(srcServerFact, 'source server.xml', ctx);
    const curServerFact = copying ? srcServerFact : get(p.server, true);
    const current = copying ? srcServer : textOf(curServerFact, 'server.xml', ctx);
    const resolved = resolvePorts(srcServer, p.srcServer, a.ports ?? {}, !!a.ajp);
    if (p.dest !== a.source && a.ports?.http === undefined && !a.ports?.offset) {
      throw new OperationError(`${p.dest} would listen on the same ports as ${a.source}`, {
        hint: 'give ports: {offset: 1} (recipe) or explicit ports',
      });
    }
    const next = editServerXml(current, p.server, { resolved, ajp: a.ajp, jvmRoute: a.jvmRoute, version });
    changes.push(...writeText(p.server, current, next, curServerFact, `set ports/AJP/jvmRoute in ${p.server}`));
    // Environment block.
    const env = a.env ?? (p.dest === a.source ? 'none' : 'catalina.sh');
    const vars = { catalinaHome: p.dest };
    if (env === 'catalina.sh') {
      const f = copying ? get(p.srcCatalina, true) : get(p.catalina, true);
      const before = textOf(f, 'catalina.sh', ctx);
      const after = ensureEnvInCatalinaSh(before, vars);
      changes.push(...writeText(p.catalina, before, after, f, `set CATALINA_HOME/BASE/PID in ${p.catalina}`));
    } else if (env === 'setenv.sh') {
      const f = copying ? get(p.srcSetenv, true) : get(p.setenv, true);
      const before = f.exists && f.content ? f.content.toString('utf8') : null;
      const after = ensureEnvInSetenv(before, vars);
      changes.push(
        ...writeText(p.setenv, before, after, f.exists ? f : { ...f, mode: 0o755 }, `write the instance environment to ${p.setenv}`),
      );
    }
    return { changes, okMessage: `${p.dest} exists and its server.xml and environment are as wanted` };
  },
});
