/**
 * `tomcat_unit`: the systemd unit of a Tomcat instance, as CentOS 7 users write them (one
 * `/etc/systemd/system/<name>.service` per instance, `Type=forking`, `startup.sh`). An existing
 * unit keeps its text except `CATALINA_BASE`/`CATALINA_PID`, which must name the instance; a new
 * instance's unit is made from its source instance's unit, every path under the source home
 * moved to the new home. `systemctl daemon-reload` runs only when the unit file changed, and again
 * on rollback once the old file is back (two `systemd-reload` changes around the write).
 */
import type { Change } from '../../core/change.ts';
import { OperationError } from '../../core/errors.ts';
import { fact } from '../../facts/types.ts';
import { defineOperation } from '../types.ts';
import { fileFact, objectSchema, writeText } from '../kit.ts';

/** Arguments of `tomcat_unit`. */
export interface TomcatUnitArgs {
  /** Unit name, with or without `.service`. */
  name: string;
  /** The instance's directory (its CATALINA_BASE). */
  home: string;
  /** Unit of the instance this one was copied from; used when `name` does not exist yet. Empty: none. */
  source_unit?: string;
  /** Home of that source instance (paths under it are moved to `home`). */
  source_home?: string;
  /** Where the units live (default /etc/systemd/system). */
  dir?: string;
}

const abs = { type: 'string', minLength: 1, pattern: '^/' };
const unitName = { type: 'string', pattern: '^[A-Za-z0-9@_.:-]+$' };

export const unitPath = (dir: string, name: string): string =>
  `${dir.replace(/\/+$/, '')}/${name.endsWith('.service') ? name : `${name}.service`}`;

const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** `text` with `Environment=NAME=…` set to `value` (quoted or not), added under [Service] when absent. */
export function setUnitEnv(text: string, name: string, value: string): string {
  const line = `Environment=${name}=${value}`;
  const re = new RegExp(`^Environment=(["']?)${name}=[^\\n]*$`, 'm');
  if (re.test(text)) return text.replace(re, line);
  if (!/^\[Service\]\s*$/m.test(text)) return `${text.replace(/\n*$/, '\n')}\n[Service]\n${line}\n`;
  return text.replace(/^\[Service\]\s*$/m, `[Service]\n${line}`);
}

/** The unit text an instance at `home` needs, from its current text (or its source's, paths moved). */
export function instanceUnitText(base: string, home: string, sourceHome?: string): string {
  const moved = sourceHome ? base.replace(new RegExp(`${escapeRe(sourceHome.replace(/\/+$/, ''))}(?=[/\\s"']|$)`, 'gm'), home) : base;
  return setUnitEnv(setUnitEnv(moved, 'CATALINA_BASE', home), 'CATALINA_PID', `${home}/temp/tomcat.pid`);
}

export const tomcatUnit = defineOperation<TomcatUnitArgs>({
  name: 'tomcat_unit',
  schema: objectSchema({ name: unitName, home: abs, source_unit: { anyOf: [unitName, { const: '' }] }, source_home: abs, dir: abs }, [
    'name',
    'home',
  ]),
  facts(a) {
    const dir = a.dir ?? '/etc/systemd/system';
    const reqs = [fact.file(unitPath(dir, a.name), true)];
    if (a.source_unit) reqs.push(fact.file(unitPath(dir, a.source_unit), true));
    return reqs;
  },
  plan(a, facts, ctx) {
    const dir = a.dir ?? '/etc/systemd/system';
    const path = unitPath(dir, a.name);
    const f = fileFact(facts, path, true);
    let before: string | null = null;
    let base: string;
    let sourceHome: string | undefined;
    if (f.exists && f.content) {
      before = f.content.toString('utf8');
      base = before;
    } else {
      const src = a.source_unit ? fileFact(facts, unitPath(dir, a.source_unit), true) : undefined;
      if (!src?.exists || !src.content) {
        throw new OperationError(`no systemd unit ${path} on ${ctx.host}, and none to make it from`, {
          hint: a.source_unit
            ? `the source instance's unit ${unitPath(dir, a.source_unit)} is missing: create it, or drop \`unit\` from the instance`
            : 'give the instance a `source` whose instance has a unit, or write the unit first',
        });
      }
      base = `# Made by provision from ${unitPath(dir, a.source_unit ?? '')} for ${a.home}.\n${src.content.toString('utf8')}`;
      sourceHome = a.source_home;
    }
    const after = instanceUnitText(base, a.home, sourceHome);
    const write = writeText(
      path,
      before,
      after,
      f.exists ? f : undefined,
      before === null ? `create unit ${path}` : `set CATALINA_BASE/PID in ${path}`,
    );
    if (write.length === 0) return { changes: [], okMessage: `${path} runs ${a.home}` };
    const changes: Change[] = [
      // Rollback runs undos newest first: this one's undo reloads systemd after the old file is back.
      { kind: 'systemd-reload', when: 'rollback', summary: `systemctl daemon-reload on rollback (once ${path} is restored)` },
      ...write,
      { kind: 'systemd-reload', when: 'apply', summary: `systemctl daemon-reload (${path} changed)` },
    ];
    return { changes, okMessage: `${path} runs ${a.home}` };
  },
});
