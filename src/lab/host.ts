/** One lab host: its private upper layer, its boot (host-init.sh as PID 1), its readiness. */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, openSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';
import { ProvisionError } from '../core/errors.ts';
import { labCgroupDir, makeCgroup, ownCgroup, unifiedMount } from './cgroup.ts';
import { HOST_BOOT, HOST_INIT, type LabSettings } from './settings.ts';
import { childPids, livePid1, pidStartTime } from './state.ts';
import { run, waitFor } from './run.ts';
import { JAVA_HOME } from './settings.ts';
import { enableHostServices } from './template-systemd.ts';
import type { HostState } from './types.ts';

export function hostDirs(s: LabSettings, name: string): { upper: string; work: string; root: string } {
  const base = join(s.fsDir, 'hosts', name);
  return { upper: join(base, 'upper'), work: join(base, 'work'), root: join(base, 'root') };
}

/** The services (apache, tomcat) the host starts at boot. */
function hostServices(s: LabSettings, h: HostState): string[] {
  return s.services ? h.groups.filter((g) => g === 'apache' || g === 'tomcat') : [];
}

/** Write the host's own files into its upper layer; returns its public host key line. */
export async function prepareHost(s: LabSettings, h: HostState, hostsFile: string): Promise<string> {
  const { upper, work, root } = hostDirs(s, h.name);
  for (const d of [work, root, join(upper, 'etc/ssh')]) await mkdir(d, { recursive: true });
  await writeFile(join(upper, 'etc/hostname'), `${h.name}\n`);
  await writeFile(join(upper, 'etc/hosts'), hostsFile);
  await writeFile(join(upper, 'etc/machine-id'), randomBytes(16).toString('hex') + '\n');
  if (s.init === 'systemd') await enableHostServices(upper, s.layout, hostServices(s, h));
  const key = join(upper, 'etc/ssh/ssh_host_ed25519_key');
  await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', `root@${h.name}`, '-f', key]);
  return (await readFile(`${key}.pub`, 'utf8')).trim();
}

/** Environment of host-init.sh (and host-boot.sh). */
function bootEnv(s: LabSettings, h: HostState): Record<string, string> {
  const { upper, work, root } = hostDirs(s, h.name);
  const services = hostServices(s, h).join(',');
  return {
    PATH: '/usr/sbin:/usr/bin:/sbin:/bin',
    LAB_HOST: h.name,
    LAB_ROOT: root,
    LAB_UPPER: upper,
    LAB_WORK: work,
    LAB_TEMPLATE: join(s.fsDir, 'template'),
    LAB_JAVA_HOME: JAVA_HOME,
    LAB_SERVICES: services,
    LAB_INIT: s.init,
  };
}

/**
 * The command that boots the host. tini: nsenter execs unshare, which forks host-init.sh as PID 1.
 * systemd: host-boot.sh, which boots (and reboots) the host in its own cgroup.
 */
async function bootCommand(s: LabSettings, h: HostState): Promise<{ file: string; args: string[]; env: Record<string, string> }> {
  const env = bootEnv(s, h);
  if (s.init === 'tini') {
    return {
      file: 'nsenter',
      args: [`--net=/run/netns/${h.name}`, 'unshare', '--mount', '--uts', '--ipc', '--pid', '--fork', 'sh', HOST_INIT],
      env,
    };
  }
  const mount = await unifiedMount();
  h.cgroup = join(labCgroupDir(mount, s.name), h.name);
  await makeCgroup(h.cgroup);
  const home = await ownCgroup(mount);
  return { file: 'sh', args: [HOST_BOOT], env: { ...env, LAB_CGROUP: h.cgroup, LAB_CGROUP_HOME: home, LAB_INIT_SCRIPT: HOST_INIT } };
}

/** Boot the host; records the launcher PID and the host's PID 1 (in the machine's PID namespace). */
export async function startHost(s: LabSettings, h: HostState, save: () => void): Promise<void> {
  const logFd = openSync(join(s.logDir, `${h.name}.log`), 'a');
  const cmd = await bootCommand(s, h);
  save();
  const child = spawn(cmd.file, cmd.args, { detached: true, stdio: ['ignore', logFd, logFd], env: cmd.env });
  closeSync(logFd);
  child.unref();
  if (child.pid === undefined) throw new ProvisionError(`could not start host ${h.name}`, { hint: 'is nsenter installed?' });
  h.launcherPid = child.pid;
  h.launcherStart = await pidStartTime(child.pid);
  save();
  const found = await waitFor(async () => (await livePid1(h)) !== undefined || (await tiniPid1(h)) !== undefined, 5000, 20);
  const pid1 = s.init === 'tini' ? await tiniPid1(h) : await livePid1(h);
  if (!found || pid1 === undefined) throw await bootError(s, h, 'its PID 1 did not appear');
  h.pid = pid1.pid;
  h.pidStart = pid1.start;
  save();
}

/** tini hosts: nsenter execs unshare (same PID), which forks the host's PID 1. */
async function tiniPid1(h: HostState): Promise<{ pid: number; start: string } | undefined> {
  if (h.cgroup !== undefined || h.launcherPid === undefined) return undefined;
  const pid = (await childPids(h.launcherPid))[0];
  const start = pid === undefined ? undefined : await pidStartTime(pid);
  return pid === undefined || start === undefined ? undefined : { pid, start };
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
      if ((await livePid1(h)) === undefined) throw await bootError(s, h, 'its PID 1 exited');
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
