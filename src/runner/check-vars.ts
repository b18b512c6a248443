/**
 * A play's declared variables (`vars_spec:`), checked on every host before anything connects: a bad
 * value stops the run naming the variable, the host, where it was set and the allowed form. Also the
 * "did you mean" warning for a variable set in the inventory or with -e that the playbook never reads.
 */
import { InventoryError, PlaybookError, UsageError, type ErrorDetails, type ProvisionError, type SourcePos } from '../core/errors.ts';
import { editDistance } from '../inventory/suggest.ts';
import type { Inventory } from '../inventory/types.ts';
import type { Play, Playbook, Task } from '../playbook/types.ts';
import { checkVar } from '../playbook/vars-spec.ts';

const where = (p: SourcePos) => (p.line ? `${p.file}:${p.line}:${p.column ?? 1}` : p.file);

/** Where a value was set, the error class that fits it (exit 5 for -e, 4 for a file) and what to do. */
interface Origin {
  at: string;
  kind: new (message: string, details?: ErrorDetails) => ProvisionError;
  fix: string;
}

/** Where a variable's winning value on a host was set, by precedence: -e, play vars, inventory, play defaults. */
function originOf(name: string, host: string, play: Play, inv: Inventory, extra: Record<string, string>, extraVars: object): Origin {
  if (name in extraVars) return { at: extra[name] ?? '-e', kind: UsageError, fix: 'fix the value given on the command line' };
  const invPos = inv.hosts.get(host)?.varPos[name];
  if (!(name in play.vars) && invPos) return { at: where(invPos), kind: InventoryError, fix: `fix it in ${invPos.file}` };
  const pos = play.varPos[name];
  const at = pos ? where(pos) : `the play "${play.name}"`;
  const fix = name in play.vars ? 'fix it in the playbook' : 'set it in the inventory (it overrides the playbook default)';
  return { at: `${at} (playbook ${name in play.vars ? 'vars' : 'defaults'})`, kind: PlaybookError, fix };
}

/** Throws on the first host and variable whose value does not fit the play's `vars_spec`. */
export function checkPlayVars(
  play: Play,
  hosts: string[],
  vars: Record<string, Record<string, unknown>>,
  inv: Inventory,
  extraOrigins: Record<string, string>,
  extraVars: object,
  mask: (s: string) => string = (s) => s,
): void {
  for (const host of hosts) {
    for (const [name, spec] of Object.entries(play.varsSpec)) {
      if (!(name in vars[host]!)) continue;
      let value: unknown;
      try {
        value = vars[host]![name];
      } catch {
        // A template that does not render (an unset required variable) is reported where it is used.
        continue;
      }
      const problems = checkVar(name, spec, value);
      if (!problems.length) continue;
      const o = originOf(name, host, play, inv, extraOrigins, extraVars);
      const [first, ...more] = problems;
      const also = more.length ? `\n  also: ${more.map((p) => p.message).join('\n  also: ')}` : '';
      throw new o.kind(mask(`${o.at}: variable ${first!.message} (host ${host})${also}`), {
        host,
        hint: first!.hint ? `${first!.hint} ${o.fix[0]!.toUpperCase()}${o.fix.slice(1)}` : o.fix,
      });
    }
  }
}

/** Every identifier in the templates of a play (defaults, vars, tasks, handlers): what it may read. */
function namesRead(play: Play): Set<string> {
  const out = new Set<string>([...Object.keys(play.varsSpec), ...Object.keys(play.defaults), ...Object.keys(play.vars)]);
  const walk = (v: unknown): void => {
    if (typeof v === 'string') {
      for (const m of v.matchAll(/\{[{%]([\s\S]*?)[}%]\}/g)) for (const id of m[1]!.matchAll(/[A-Za-z_][A-Za-z0-9_]*/g)) out.add(id[0]);
    } else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') Object.values(v).forEach(walk);
  };
  const task = (t: Task) => walk([t.args, t.when, t.loop, t.rolling, t.loopLabel]);
  walk([play.defaults, play.vars]);
  play.tasks.forEach(task);
  play.handlers.forEach(task);
  return out;
}

/** Operations read these host variables directly (not through a template). */
const READ_BY_OPS = ['apache_home', 'apache_layout'];

/**
 * A warning for each variable set in the inventory or on the command line that no play reads and
 * that is one edit away from one that is read (`tomcat_ajp_secrt` → `tomcat_ajp_secret`).
 */
export function unusedVarWarnings(pb: Playbook, inv: Inventory, extraOrigins: Record<string, string>): string[] {
  const read = new Set<string>(READ_BY_OPS);
  for (const p of pb.plays) for (const n of namesRead(p)) read.add(n);
  const set = new Map<string, string>();
  for (const h of inv.hosts.values()) for (const [n, pos] of Object.entries(h.varPos)) if (!set.has(n)) set.set(n, where(pos));
  for (const [n, at] of Object.entries(extraOrigins)) set.set(n, at);
  const out: string[] = [];
  for (const [name, at] of set) {
    if (read.has(name) || name.length < 4 || /^(ansible|provision)_/.test(name)) continue;
    const near = [...read].find((r) => Math.abs(r.length - name.length) <= 1 && editDistance(name, r) === 1);
    if (near) out.push(`${at}: variable \`${name}\` is set but the playbook never reads it; did you mean \`${near}\`?`);
  }
  return out;
}
