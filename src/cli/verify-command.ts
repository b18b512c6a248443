/** `provision verify`: prove the cluster works, without downtime; a table and a non-zero exit on failure. */
import { Command } from 'commander';
import { UsageError } from '../core/errors.ts';
import type { CheckRow } from '../verify/checks.ts';
import { SCHEMA_VERSION } from '../ui/json.ts';
import { addConnectionFlags, addInventoryFlags, resolveCli, type AnsibleFlags } from './ansible-flags.ts';
import { DEFAULT_PLAYBOOK } from './paths.ts';

function table(rows: CheckRow[]): string {
  const w = [7, Math.max(6, ...rows.map((r) => r.target.length)), 6];
  const line = (c: string[]) => c.map((x, i) => x.padEnd(w[i] ?? 0)).join('  ');
  return [
    line(['CHECK', 'TARGET', 'RESULT', 'DETAIL']),
    ...rows.map((r) => line([r.check, r.target, r.ok ? 'ok' : 'FAILED', r.detail])),
  ].join('\n');
}

const collect = (v: string, prev: string[]) => [...prev, v];

interface VerifyFlags extends AnsibleFlags {
  json?: boolean;
  url?: string;
  sessionCookie: string;
  extraVars: string[];
  extraVarsFile: string[];
  secretVarsFile: string[];
}

export function verifyCommand(): Command {
  const cmd = new Command('verify')
    .description(
      'prove the cluster works without downtime: each Tomcat answers, sees the other members, and keeps a session made through Apache',
    )
    .argument('[playbook]', 'the playbook whose variables describe the cluster (default: the recipe)');
  return addConnectionFlags(addInventoryFlags(cmd))
    .option('-e, --extra-vars <vars>', "the run's variables: key=value, JSON/YAML mapping, or @file (repeatable)", collect, [])
    .option('--extra-vars-file <file>', 'YAML file of variables (repeatable)', collect, [])
    .option('--secret-vars-file <file>', 'YAML file of secret variables (repeatable)', collect, [])
    .option('--url <path>', "path of a page of the application that makes a session (default: tomcat_check_path, else the app's path)")
    .option('--session-cookie <name>', 'name of the session cookie', 'JSESSIONID')
    .option('--json', 'print what was probed and the checks as JSON')
    .action(async (playbook: string | undefined, f: VerifyFlags) => {
      if (f.url !== undefined && !f.url.startsWith('/')) {
        throw new UsageError(`--url ${f.url}: must be a path starting with /`, { hint: 'for example --url /shop/cart' });
      }
      // Loaded when the command runs, not for --help (see main.ts).
      const [{ connectionSpecFor }, { ConnectionPool }, { instanceChecks }, { sessionChecks }, { loadTargets }, { cliVars }] =
        await Promise.all([
          import('../inventory/connection.ts'),
          import('../transport/index.ts'),
          import('../verify/checks.ts'),
          import('../verify/session.ts'),
          import('../verify/targets.ts'),
          import('./extra-vars.ts'),
        ]);
      const cli = await resolveCli(f);
      const { vars } = await cliVars(f);
      const t = await loadTargets(cli.inventory, playbook ?? DEFAULT_PLAYBOOK, vars, cli.vault);
      const probe = { path: f.url ?? t.path, cookie: f.sessionCookie };
      const pool = new ConnectionPool();
      const conn = (host: string) => pool.get(connectionSpecFor(t.inv.hosts.get(host)!, cli.connection, t.vars[host]));
      try {
        const rows = await instanceChecks(t.instances, probe.path, conn);
        for (const a of t.apaches) rows.push(...(await sessionChecks(a, t.instances, probe, conn)));
        const probed = {
          path: probe.path,
          sessionCookie: probe.cookie,
          apache: t.apaches.map((a) => new URL(probe.path, a.url).href),
          instances: t.instances.map((i) => `${i.host} http://127.0.0.1:${i.httpPort}${probe.path}`),
        };
        if (f.json)
          process.stdout.write(`${JSON.stringify({ schemaVersion: SCHEMA_VERSION, kind: 'verify', probed, checks: rows }, null, 2)}\n`);
        else {
          process.stdout.write(
            `probed ${probe.path} through ${probed.apache.join(', ') || 'no Apache'} and on each instance's HTTP port ` +
              `(session cookie ${probe.cookie})\n${table(rows)}\n`,
          );
        }
        const failed = rows.filter((r) => !r.ok);
        if (failed.length) {
          process.stderr.write(`verify failed: ${[...new Set(failed.map((r) => r.target))].join(', ')}\n`);
          process.exitCode = 2;
        }
      } finally {
        await pool.closeAll();
      }
    });
}
