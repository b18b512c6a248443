/**
 * A trap real clusters fall into: a `<Manager>` in a Context. Tomcat gives a context the cluster's
 * session manager only when the context has none of its own (StandardContext.startInternal), so an
 * explicit `<Manager>` (the `<Manager pathname="" />` people uncomment in conf/context.xml, a
 * PersistentManager in the application's META-INF/context.xml) silently turns replication off:
 * every Tomcat starts, the balancer works, and no session survives a failover. Caught before any change.
 */
import { OperationError } from '../../core/errors.ts';
import { parseXml } from '../../xml/index.ts';
import { lineColumn } from '../../xml/text.ts';
import type { PlanContext } from '../types.ts';

/** Where Tomcat reads a context's definition from, besides the application's own META-INF/context.xml. */
export const contextFiles = {
  /** Defaults of every context of the instance. */
  global: (home: string) => `${home}/conf/context.xml`,
  /** Defaults of every context of the host `localhost`. */
  hostDefault: (home: string) => `${home}/conf/Catalina/localhost/context.xml.default`,
  /** One application's context (wins over its META-INF/context.xml). */
  app: (home: string, app: string) => `${home}/conf/Catalina/localhost/${app}.xml`,
};

/** An explicit `<Manager>` of a context file: its line and class (StandardManager when it names none). */
export interface OwnManager {
  file: string;
  line: number;
  className: string;
}

/** The `<Manager>` directly inside the `<Context>` of this text (comments do not count), or null. */
export function ownManager(text: string, file: string): OwnManager | null {
  const root = parseXml(text, file).root();
  if (root.name !== 'Context') return null;
  const m = root.children('Manager')[0];
  if (!m) return null;
  const className = m.attr('className') ?? 'org.apache.catalina.session.StandardManager';
  return { file, line: lineColumn(root.doc.text, m.start).line, className };
}

/** What to do about an own manager, for the error's hint. */
export const OWN_MANAGER_HINT =
  'remove the <Manager> element (or comment it out): the cluster then gives the context its own manager; ' +
  'to change how sessions replicate, set the manager in the cluster settings instead ' +
  '(tomcat_cluster cluster: {manager: BackupManager}; in the recipe, cluster_settings)';

function describe(m: OwnManager, host: string, scope: string): string {
  const short = m.className.replace(/^org\.apache\.catalina\.(session|ha\.session)\./, '');
  return (
    `${m.file}:${m.line} on ${host}: <Manager className="${short}"> in the Context of ${scope}: ` +
    "Tomcat uses it instead of the cluster's manager, so sessions there are not replicated"
  );
}

/**
 * Refuse an explicit `<Manager>` in a context file (`text` undefined: no such file). `allow`: the
 * operator wants the context's own manager (e.g. sessions stored in a database); then it is a
 * warning, returned.
 */
export function checkOwnManager(
  text: string | undefined,
  file: string,
  scope: string,
  ctx: PlanContext,
  o: { allow?: boolean; allowHint?: string } = {},
): string | undefined {
  if (text === undefined) return undefined;
  const m = ownManager(text, file);
  if (!m) return undefined;
  if (o.allow) return `${describe(m, ctx.host, scope)} (kept: ownManager is true)`;
  throw new OperationError(describe(m, ctx.host, scope), {
    hint: OWN_MANAGER_HINT + (o.allowHint ? `; ${o.allowHint}` : ''),
    pos: { file: m.file, line: m.line, column: 1 },
  });
}
