/**
 * A rollback plan as ONE remote script: each step in its own subshell with its output kept in a
 * temp file (a daemon started by a restart must not hold the SSH channel open), reported as
 * `S <index> <exit code> <base64 of the output's tail>`. Runs are marked rolled back only when
 * every step succeeded; the lock is released at the end either way.
 */
import { hostname, userInfo } from 'node:os';
import { sh } from '../core/quote.ts';
import { actionCommand, statusCommand, waitPrelude, waitScript, withFailPattern } from '../host/service-script.ts';
import { restoreSnippet } from '../host/backup.ts';
import { runDir, seqName } from '../host/layout.ts';
import type { RollbackPlan, RollbackStep, ServiceStep, UnitRollback } from './rollback-plan.ts';

/** One line of the script's report, in order: services to stop, the steps, services to restart, firewalld. */
export interface ScriptItem {
  text: string;
  body: string;
}

export function stepBody(s: RollbackStep): string {
  const dir = runDir(s.run);
  switch (s.action) {
    case 'restore':
      // Fail the step when a path could not be put back (a missing parent directory, a full disk).
      return s.paths.map((p) => `${restoreSnippet(dir, s.seq, p.i, p.path)} || exit 1`).join('\n');
    case 'attrs':
      return s.paths
        .map((p) => {
          const b = `${dir}/backups/${seqName(s.seq)}.${p.i}`;
          return sh`if [ -e ${b} ]; then chmod --reference=${b} -- ${p.path} && chown --reference=${b} -- ${p.path} || exit 1; fi`.text;
        })
        .join('\n');
    case 'undo':
      return s.command ?? 'true';
    default:
      return '';
  }
}

function serviceBody(s: ServiceStep): { text: string; body: string } {
  if (s.to === 'stopped') {
    return {
      text: `stop ${s.service.name} (it was stopped before)`,
      body: `if { ${statusCommand(s.service)}\n} >/dev/null 2>&1; then ${actionCommand(s.service, 'stop')} || exit 1; fi`,
    };
  }
  const check = s.check
    ? `if ! { ${s.check}\n}; then ` +
      `echo ${sh`${`configuration check failed: ${s.check}; ${s.service.name} was not restarted`}`.text}; exit 3; fi\n`
    : '';
  return {
    text: `restart ${s.service.name} with the restored configuration${s.check ? ` (after: ${s.check})` : ''}`,
    body: `${check}${actionCommand(s.service, 'restart')} || exit 1`,
  };
}

/** The items the script runs, in order; `cannot` and `skip` steps run nothing but are reported. */
export function scriptItems(plan: RollbackPlan): ScriptItem[] {
  // Services that were stopped before go down first, while their files (a copied instance's
  // shutdown.sh) still exist; those that ran are restarted once their files are restored.
  const items: ScriptItem[] = plan.services.filter((s) => s.to === 'stopped').map(serviceBody);
  items.push(...plan.steps.map((s) => ({ text: s.text, body: stepBody(s) })));
  items.push(...plan.services.filter((s) => s.to === 'running').map(serviceBody));
  if (plan.firewallReload) {
    items.push({
      text: 'reload firewalld so the restored permanent configuration is live',
      body:
        'if firewall-cmd --state >/dev/null 2>&1; then firewall-cmd --reload; ' +
        'else echo "firewalld is not running: the restored files apply at its next start"; fi',
    });
  }
  return items;
}

/** Shell that marks runs rolled back (keeping their record otherwise as written). */
export function markScript(runs: string[], by = `${userInfo().username}@${hostname()}`): string {
  const when = new Date().toISOString();
  return runs
    .map((id) => {
      const f = `${runDir(id)}/run`;
      return (
        sh`sed -e '/^status=/d' -e '/^rolled_back=/d' ${f} > ${f}.tmp && `.text +
        sh`printf '%s\n' status=rolled-back ${`rolled_back=${when} by ${by}`} >> ${f}.tmp && mv -f ${f}.tmp ${f}`.text
      );
    })
    .join('\n');
}

/** The late steps as items (run by the finish script, after every unit is back). */
export function lateItems(plan: RollbackPlan): ScriptItem[] {
  return plan.late.map((s) => ({ text: s.text, body: stepBody(s) }));
}

/** Items as one script, each reported as `S <k> <code> <output>`; `$F` is 1 once one failed. */
export function itemsScript(items: ScriptItem[], stopAtFailure = false): string {
  const lines = ['F=0', 'L=$(mktemp) || exit 1'];
  items.forEach((it, k) => {
    if (!it.body) {
      lines.push(`echo "S ${k} 0 "`);
      return;
    }
    const stop = stopAtFailure ? `; [ $F = 0 ] || { rm -f "$L"; exit 0; }` : '';
    lines.push(
      `( ${it.body}\n) >"$L" 2>&1 </dev/null; rc=$?; [ $rc = 0 ] || F=1; ` +
        `echo "S ${k} $rc $(tail -c 2000 "$L" | base64 | tr -d '\\n')"${stop}`,
    );
  });
  lines.push('rm -f "$L"');
  return lines.join('\n');
}

/**
 * The whole apply script; `release` is the shell that frees the host lock. With `finish: false`
 * (rolling units still to come) the runs are neither marked nor the lock released here.
 */
export function rollbackScript(plan: RollbackPlan, release: string, finish = true): string {
  const tail = finish ? [`if [ $F = 0 ]; then ${markScript(plan.runs) || 'true'}\necho M; fi`, release] : ['[ $F = 0 ] && echo M'];
  return [itemsScript(scriptItems(plan)), ...tail, 'true'].join('\n');
}

/**
 * A rolling unit's items on its own host: stop it (if it runs), restore its files, start it again
 * when it ran before and wait as the run waited (with `failPattern` while another member runs).
 * The script stops at the first failed item: a unit that does not come back is not started twice.
 */
export function unitItems(u: UnitRollback, peersUp: boolean): ScriptItem[] {
  const { service, wait } = u.roll;
  const items: ScriptItem[] = [
    {
      text: `stop ${service.name} (out of the balancer)`,
      body: `if { ${statusCommand(service)}\n} >/dev/null 2>&1; then ${actionCommand(service, 'stop')} || exit 1; fi`,
    },
  ];
  items.push(...u.steps.map((s) => ({ text: s.text, body: stepBody(s) })));
  if (u.before === 'running') {
    // When the runs created files (a first deploy), what the run waited for may not exist after the rollback: the
    // application, and its log line (a first cluster's memberAdded, never printed by the Tomcat it was before).
    const created = u.steps.some((s) => s.paths.some((p) => !p.existed));
    const base = wait && created ? (({ url: _u, pattern: _p, ...rest }) => rest)(wait) : wait;
    const w = withFailPattern(base, peersUp ? u.roll.withPeersFail : undefined);
    items.push({
      text:
        `start ${service.name} with the restored files${w ? ' and wait for it' : ''}` +
        `${peersUp && u.roll.withPeersFail ? ' (sessions received from the other members)' : ''}`,
      body: [waitPrelude(w), `${actionCommand(service, 'start')} || exit 1`, waitScript(service.name, w)].filter(Boolean).join('\n'),
    });
  }
  return items;
}

/** Read the script's report: per item, exit code and output. */
export function parseReport(out: string): { results: Map<number, { code: number; output: string }>; marked: boolean } {
  const results = new Map<number, { code: number; output: string }>();
  let marked = false;
  for (const line of out.split('\n')) {
    const m = /^S (\d+) (\d+) ?(\S*)$/.exec(line.trim());
    if (m)
      results.set(Number(m[1]), {
        code: Number(m[2]),
        output: Buffer.from(m[3] ?? '', 'base64')
          .toString('utf8')
          .trim(),
      });
    else if (line.trim() === 'M') marked = true;
  }
  return { results, marked };
}
