/**
 * Render a local Jinja2-style template with nunjucks the way Ansible sets up Jinja2 (trim_blocks on,
 * trailing newlines as Ansible keeps them), autoescape off (these are config files, not
 * HTML) and undefined variables as errors that name the template, the line and the expression.
 */
import { dirname, join } from 'node:path';
import nunjucks from 'nunjucks';
import { OperationError } from '../../core/errors.ts';
import { addAnsibleFilters, jinjaSource, renderLikeAnsible } from '../../core/jinja.ts';
import type { PlanContext } from '../types.ts';

function environment(templatePath: string, ctx: PlanContext): nunjucks.Environment {
  // `{% include %}` finds files beside the template, in the role's templates/, then the playbook's.
  const dirs = [dirname(templatePath), ...(ctx.roleDir ? [join(ctx.roleDir, 'templates')] : []), ctx.baseDir];
  const loader = new nunjucks.FileSystemLoader(dirs, { noCache: true });
  const env = new nunjucks.Environment(loader, { autoescape: false, throwOnUndefined: true, trimBlocks: true });
  // Ansible's filters, so ported templates render unchanged.
  addAnsibleFilters(env);
  return env;
}

/** Variables a template sees: the host's vars, plus Ansible's magic names unless the vars set them. */
export function templateVars(ctx: PlanContext): Record<string, unknown> {
  return {
    inventory_hostname: ctx.host,
    hostvars: ctx.hostvars,
    play_hosts: ctx.playHosts,
    ansible_managed: 'Managed by provision: local edits will be overwritten',
    ...ctx.vars,
  };
}

/** The `{{ … }}` expression at a 1-based line/column that nunjucks reported, e.g. `db.host`. */
function expressionAt(source: string, line: number, column: number): string | null {
  const text = source.split('\n')[line - 1];
  if (text === undefined) return null;
  const found = [...text.matchAll(/\{\{-?\s*(.*?)\s*-?\}\}/g)];
  const at = found.find((m) => m.index === column - 1) ?? found.filter((m) => (m.index ?? 0) <= column - 1).pop() ?? found[0];
  return at?.[1] ?? null;
}

/** Render `source` (read from `file`, shown in errors as `shownName`). */
export function renderTemplate(source: string, file: string, shownName: string, ctx: PlanContext): string {
  const env = environment(file, ctx);
  try {
    const vars = templateVars(ctx);
    return renderLikeAnsible(source, (body) => new nunjucks.Template(jinjaSource(body), env, file, true).render(vars));
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    const pos = /\[Line (\d+), Column (\d+)\]/.exec(msg);
    const line = pos ? Number(pos[1]) : undefined;
    if (/undefined value/.test(msg)) {
      const expr = pos ? expressionAt(source, Number(pos[1]), Number(pos[2])) : null;
      const name = expr ? expr.split('|')[0]!.trim() : 'a variable';
      throw new OperationError(`template ${shownName}${line ? ` line ${line}` : ''}: ${name} is undefined`, {
        pos: { file, ...(line ? { line } : {}) },
        hint: `define ${name} in the inventory, the play's vars or --extra-vars, or give a fallback: {{ ${name} | default('…') }}`,
        cause: e,
      });
    }
    throw new OperationError(`template ${shownName} cannot be rendered: ${msg.replace(/\s+/g, ' ').trim()}`, {
      pos: { file, ...(line ? { line } : {}) },
      hint: 'fix the template syntax (nunjucks/Jinja2: {{ var }}, {% if %}…{% endif %}, {% for x in list %}…{% endfor %})',
      cause: e,
    });
  }
}
