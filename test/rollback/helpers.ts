/** Shared by the rollback end-to-end files: runs, rollbacks, and what a user would compare on a host. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rollbackHosts } from '../../src/journal/rollback-hosts.ts';
import type { RollbackOptions } from '../../src/journal/rollback.ts';
import { loadOperations } from '../../src/ops/registry.ts';
import { RunEmitter } from '../../src/runner/events.ts';
import { runPlaybook, type RunOptions } from '../../src/runner/run.ts';
import type { TestLab } from '../helpers/lab.ts';

export const SITE = join(import.meta.dirname, 'fixtures/site.yml');

/** Every path (type, mode, owner) and every file's sha256 under the managed trees, plus firewalld's ports. */
const SNAPSHOT = `
for t in /opt/tomcat /opt/tomcat2 /usr/local/apache2 /etc/firewalld; do
  [ -e "$t" ] || { echo "absent $t"; continue; }
  find "$t" \\( -name logs -o -name temp -o -name work \\) -prune -o -printf '%p %y %m %u:%g\\n' | sort
  find "$t" \\( -name logs -o -name temp -o -name work \\) -prune -o -type f -print0 | sort -z | xargs -0 sha256sum
done
echo "permanent ports: $(firewall-cmd --permanent --list-ports)"
echo "runtime ports: $(firewall-cmd --list-ports)"`;

export async function snapshot(lab: TestLab, host: string): Promise<string> {
  const r = await lab.exec(host, SNAPSHOT);
  if (r.code !== 0) throw new Error(`snapshot of ${host} failed: ${r.stderr}`);
  return r.stdout;
}

/** Is Apache running, and which of its ports (80, 8081) listen. */
export async function apache(lab: TestLab, host: string): Promise<{ running: boolean; ports: string[] }> {
  const status = await lab.exec(host, '/usr/local/apache2/bin/apachectl status');
  const ss = await lab.exec(host, "ss -Hltn | awk '{print $4}'");
  const ports = ['80', '8081'].filter((p) => ss.stdout.split('\n').some((l) => l.endsWith(`:${p}`)));
  return { running: status.code === 0, ports };
}

export async function startApache(lab: TestLab, host: string): Promise<void> {
  const r = await lab.exec(
    host,
    '/usr/local/apache2/bin/apachectl start </dev/null >/dev/null 2>&1; sleep 0.5; /usr/local/apache2/bin/apachectl status',
  );
  if (r.code !== 0) throw new Error(`apache did not start on ${host}: ${r.stdout} ${r.stderr}`);
}

/** Run a playbook the way the CLI does; failures (tasks and hosts) collected as text. */
export async function run(inventory: string, playbook: string, o: Partial<RunOptions> = {}) {
  const emitter = new RunEmitter();
  const failures: string[] = [];
  emitter.on('host:failed', (e) => failures.push(`${e.host}: ${e.message} (${e.hint ?? ''})`));
  emitter.on('task:result', (r) => {
    if (r.status === 'failed') failures.push(`${r.host} ${r.task}: ${r.message}`);
  });
  const s = await runPlaybook({ inventory, playbook, ops: await loadOperations(), emitter, ...o });
  return { ...s, failures: failures.join('\n') };
}

export function rollback(inventory: string, o: RollbackOptions & { limit?: string } = {}) {
  return rollbackHosts({ inventory, ...o });
}

/** A shell command that kills this SSH connection's sshd session process (the nearest sshd ancestor). */
export const KILL_OWN_SSHD = [
  'p=$$',
  'while [ "$p" -gt 1 ]',
  'do case "$(cat /proc/$p/comm)" in sshd*) kill -9 $p; sleep 5; exit 0;; esac',
  "p=$(awk '{print $4}' /proc/$p/stat)",
  'done',
].join('; ');

/** The fixture playbook with a task that cuts the connection (or runs `cmd`) inserted after its n-th task. */
export function cutPlaybook(n: number, cmd = KILL_OWN_SSHD): string {
  const text = readFileSync(SITE, 'utf8');
  const parts = text.split('\n    - name: ');
  const killer = `cut the connection after task ${n}\n      shell: { cmd: ${JSON.stringify(cmd)} }`;
  const out = [...parts.slice(0, n + 1), killer, ...parts.slice(n + 1)].join('\n    - name: ');
  const dir = mkdtempSync(join(tmpdir(), 'pv-cut-'));
  writeFileSync(join(dir, 'cut.yml'), out);
  return join(dir, 'cut.yml');
}

/** A playbook of one `command: sleep`, to hold the lock for a while. */
export function sleepPlaybook(seconds: number): string {
  const dir = mkdtempSync(join(tmpdir(), 'pv-sleep-'));
  const file = join(dir, 'sleep.yml');
  writeFileSync(file, `- name: hold the lock\n  hosts: all\n  tasks:\n    - name: sleep\n      command: { cmd: "sleep ${seconds}" }\n`);
  return file;
}

/**
 * The reference of a fault test: every host's pristine bytes (Apache started), then the bytes of an
 * uninterrupted run of the fixture, then back to pristine by rollback.
 */
export async function referenceRun(
  lab: TestLab,
  inventory: string,
): Promise<{ pristine: Map<string, string>; converged: Map<string, string> }> {
  const pristine = new Map<string, string>();
  const converged = new Map<string, string>();
  for (const h of lab.hosts) {
    await startApache(lab, h);
    pristine.set(h, await snapshot(lab, h));
  }
  const r = await run(inventory, SITE);
  if (r.exitCode !== 0) throw new Error(r.failures);
  for (const h of lab.hosts) converged.set(h, await snapshot(lab, h));
  const rb = await rollback(inventory);
  if (rb.exitCode !== 0) throw new Error(JSON.stringify(rb));
  return { pristine, converged };
}
