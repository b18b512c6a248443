/**
 * `war`: the same WAR in webapps/ of every Tomcat instance of the host (recipe steps 3 and 8).
 * Checksum-idempotent; a WAR whose web.xml lacks `<distributable/>` gets it before upload. Refused
 * before any change: the application's own `<Manager>` (manager-trap.ts); warned: a WAR left not
 * distributable, and instances of the cluster left with different WARs (app-versions.ts).
 */
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import type { Change } from '../../core/change.ts';
import { OperationError } from '../../core/errors.ts';
import { buildWarFromDir } from './build-counter.ts';
import { prepareWar, readZip } from './war-file.ts';
import { appVersionWarnings, warInstances } from './app-versions.ts';
import { warDistributableWarning } from './distributable-trap.ts';
import { checkOwnManager, contextFiles } from './manager-trap.ts';
import { defineOperation } from '../types.ts';
import { fileRequest as fileReq, textIfFile } from '../kit.ts';
import { instancesOf, type InstanceRef } from './common.ts';
import { warSchema } from './schemas.ts';

/** Arguments of `war`. */
export interface WarArgs {
  /** Local WAR file, or a directory holding the exploded app (relative to the playbook's directory). */
  src: string;
  /** File name in webapps/ (default: the source's name; ROOT.war serves it at `/`). */
  name?: string;
  /** Instance homes of this host (default: the host variable `instancesVar`). */
  instances?: Array<InstanceRef | string>;
  /** Host variable listing the instances (default `tomcat_instances`). */
  instancesVar?: string;
  /** Add `<distributable/>` to WEB-INF/web.xml when missing (default true). */
  distributable?: boolean;
  owner?: string;
  group?: string;
  /**
   * The application's own `<Manager>` (its META-INF/context.xml, conf/Catalina/localhost/<app>.xml)
   * is meant, e.g. a PersistentManager keeping sessions in a database: warn instead of refusing.
   */
  ownManager?: boolean;
}

/** Where an instance serves the WAR from. */
export const target = (home: string, name: string) => `${home}/webapps/${name}`;
/** The name in webapps/: given, or the source's (`app.war`, or `<dir>.war` for a directory). */
export const warName = (a: WarArgs) => a.name ?? basename(a.src).replace(/(\.war)?\/?$/, '.war');
const appOf = (name: string) => name.replace(/\.war$/, '');
const OWN_OK =
  'if the application means to keep its own manager (sessions stored elsewhere), give the war task ownManager: true ' +
  '(the recipe: -e app_own_manager=true)';

export const war = defineOperation<WarArgs>({
  name: 'war',
  schema: warSchema,
  facts(args, ctx) {
    const name = warName(args);
    return [
      ...warInstances(args, ctx).map((i) => fileReq(target(i.home, name))),
      ...instancesOf(args, ctx).map((i) => fileReq(contextFiles.app(i.home, appOf(name)), true)),
    ];
  },
  async plan(args, facts, ctx) {
    const name = warName(args);
    const local = resolve(ctx.baseDir, args.src);
    const isDir = await stat(local).then(
      (s) => s.isDirectory(),
      () => false,
    );
    // A directory is an exploded app: zipped deterministically, so the checksum is stable.
    const data = isDir
      ? buildWarFromDir(local)
      : await readFile(local).catch((e: NodeJS.ErrnoException) => {
          throw new OperationError(`cannot read the WAR ${local}: ${e.code ?? e.message}`, {
            hint: 'src is relative to the playbook directory',
            cause: e,
          });
        });
    const entries = readZip(data, local);
    const warnings: string[] = [];
    const own = { allow: args.ownManager === true, allowHint: OWN_OK };
    const inner = (e: string) => (entries[e] ? new TextDecoder().decode(entries[e]) : undefined);
    const w = checkOwnManager(inner('META-INF/context.xml'), `${local}!/META-INF/context.xml`, `the application ${name}`, ctx, own);
    if (w) warnings.push(w);
    for (const inst of instancesOf(args, ctx)) {
      const file = contextFiles.app(inst.home, appOf(name));
      const v = checkOwnManager(textIfFile(facts.get(fileReq(file, true))), file, `the application ${name}`, ctx, own);
      if (v) warnings.push(v);
    }
    if (args.distributable === false) {
      const v = warDistributableWarning(inner('WEB-INF/web.xml'), `${local}!/WEB-INF/web.xml`, ctx);
      if (v) warnings.push(v);
    }
    const prepared = args.distributable === false ? { content: Buffer.from(data), injected: false } : prepareWar(data, local, entries);
    const sum = createHash('sha256').update(prepared.content).digest('hex');
    const changes: Change[] = [];
    for (const inst of instancesOf(args, ctx)) {
      const path = target(inst.home, name);
      const f = facts.get(fileReq(path));
      if (f.exists && f.sha256 === sum) continue;
      // Tomcat expands the WAR into webapps/<app>/: that directory is part of what this deploy
      // changes, so it is journaled (and rollback removes it) and a stale one never shadows the new WAR.
      const exploded = path.replace(/\.war$/, '');
      changes.push({ kind: 'remove', summary: `clear ${exploded}/ (Tomcat expands the new WAR there)`, path: exploded, regenerated: true });
      // Compiled JSPs outlive their WAR (equal timestamps keep Jasper from recompiling): nothing of the old version stays.
      const work = `${inst.home}/work/Catalina/localhost/${basename(exploded)}`;
      changes.push({ kind: 'remove', summary: `clear ${work}/ (compiled pages of the old version)`, path: work, regenerated: true });
      changes.push({
        kind: 'write',
        summary: `deploy ${basename(local)} to ${path}${prepared.injected ? ' (with <distributable/> added)' : ''}`,
        path,
        content: prepared.content,
        mode: f.exists && f.mode != null ? f.mode : 0o644,
        ...((args.owner ?? f.owner) ? { owner: args.owner ?? f.owner! } : {}),
        ...((args.group ?? f.group) ? { group: args.group ?? f.group! } : {}),
        diff: { path, before: f.exists ? `sha256:${f.sha256}` : null, after: `sha256:${sum}`, binary: true },
      });
    }
    return { changes, okMessage: `${name} is up to date in every instance (sha256 ${sum.slice(0, 12)})`, warnings };
  },
  acrossHosts: (planned) => appVersionWarnings(planned, warName),
});
