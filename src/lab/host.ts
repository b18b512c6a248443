/** One lab host: its private upper layer, its boot (host-init.sh as PID 1), its readiness. */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, openSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';
import { ProvisionError } from '../core/errors.ts';
import { HOST_INIT, type LabSettings } from './settings.ts';
import { childPids, pidStartTime, sameProcess } from './state.ts';
import { run, waitFor } from './run.ts';
import { JAVA_HOME } from './template.ts';
import type { HostState } from './types.ts';

export function hostDirs(s: LabSettings, name: string): { upper: string; work: string; root: string } {
  const base = join(s.fsDir, 'hosts', name);
  return { upper: join(base, 'upper'), work: join(base, 'work'), root: join(base, 'root') };
}

/** Write the host's own files into its upper layer; returns its public host key line. */
export async function prepareHost(s: LabSettings, h: HostState, hostsFile: string): Promise<string> {
  const { upper, work, root } = hostDirs(s, h.name);
  for (const d of [work, root, join(upper, 'etc/ssh')]) await mkdir(d, { recursive: true });
  await writeFile(join(upper, 'etc/hostname'), `${h.name}\n`);
  await writeFile(join(upper, 'etc/hosts'), hostsFile);
  await writeFile(join(upper, 'etc/machine-id'), randomBytes(16).toString('hex') + '\n');
  const key = join(upper, 'etc/ssh/ssh_host_ed25519_key');
  await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', `root@${h.name}`, '-f', key]);
  return (await readFile(`${key}.pub`, 'utf8')).trim();
}

/** Boot the host; records the launcher PID and the host's PID 1 (in the machine's PID namespace). */
export async function startHost(s: LabSettings, h: HostState, save: () => void): Promise<void> {
  const { upper, work, root } = hostDirs(s, h.name);
  const services = s.services ? h.groups.filter((g) => g === 'apache' || g === 'tomcat').join(',') : '';
  const logFd = openSync(join(s.logDir, `${h.name}.log`), 'a');
  const child = spawn(
    'nsenter',
    [`--net=/run/netns/${h.name}`, 'unshare', '--mount', '--uts', '--ipc', '--pid', '--fork', 'sh', HOST_INIT],
    {
      detached: true,
      stdio: ['ignore', logFd, logFd],
      env: {
        PATH: '/usr/sbin:/usr/bin:/sbin:/bin',
        LAB_HOST: h.name,
        LAB_ROOT: root,
        LAB_UPPER: upper,
        LAB_WORK: work,
        LAB_TEMPLATE: join(s.fsDir, 'template'),
        LAB_JAVA_HOME: JAVA_HOME,
        LAB_SERVICES: services,
      },
    },
  );
  closeSync(logFd);
  child.unref();
  if (child.pid === undefined) throw new ProvisionError(`could not start host ${h.name}`, { hint: 'is nsenter installed?' });
  h.launcherPid = child.pid;
  save();
  // nsenter execs unshare (same PID), which forks the host's PID 1.
  const launcher = child.pid;
  const found = await waitFor(async () => (await childPids(launcher)).length > 0, 5000, 20);
  const pid = (await childPids(launcher))[0];
  if (!found || pid === undefined) throw await bootError(s, h, 'its PID 1 did not appear');
  h.pid = pid;
  h.pidStart = await pidStartTime(pid);
  save();
}

/** True once sshd on the host answers with its banner. */
function sshBanner(ip: string, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = connect({ host: ip, port: 22 });
    const done = (ok: boolean): void => {
      clearTimeout(timer);
      sock.destroy();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    sock.once('data', (d) => done(d.toString().startsWith('SSH-')));
    sock.once('error', () => done(false));
    sock.once('close', () => done(false));
  });
}

export async function waitSsh(s: LabSettings, h: HostState, timeoutMs = 20_000): Promise<void> {
  const ok = await waitFor(
    async () => {
      if (!(await sameProcess(h.pid, h.pidStart))) throw await bootError(s, h, 'its PID 1 exited');
      return sshBanner(h.ip, 1000);
    },
    timeoutMs,
    50,
  );
  if (!ok) throw await bootError(s, h, `sshd did not answer on ${h.ip}:22 within ${timeoutMs / 1000}s`);
}

async function bootError(s: LabSettings, h: HostState, what: string): Promise<ProvisionError> {
  const logPath = join(s.logDir, `${h.name}.log`);
  const tail = (await readFile(logPath, 'utf8').catch(() => '')).trim().split('\n').slice(-5).join('\n  ');
  return new ProvisionError(`lab host ${h.name} failed to boot: ${what}${tail ? `\n  ${tail}` : ''}`, {
    host: h.name,
    hint: `see ${logPath}; run \`provision lab down\` to clean up`,
  });
}
