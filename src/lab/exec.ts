/** Run a command inside a lab host from the machine, without SSH (nsenter by recorded PID). */
import { join } from 'node:path';
import { ProvisionError } from '../core/errors.ts';
import { livePid1, readState } from './state.ts';
import { tryRun, type RunResult } from './run.ts';
import { JAVA_HOME } from './template.ts';
import type { HostState, LabInfo } from './types.ts';

/** Options for `labExec`. */
export interface LabExecOptions {
  /** Kill the command after this long (default 60s). */
  timeoutMs?: number;
  /** Text for the command's stdin. */
  input?: string;
}

/** The recorded state of one host of a running lab; throws if the lab or host is not up. */
export async function hostState(lab: Pick<LabInfo, 'dir'>, host: string): Promise<HostState> {
  const state = readState(join(lab.dir, 'state.json'));
  const h = state?.hosts.find((x) => x.name === host);
  if (!h) throw new ProvisionError(`no lab host ${host} in ${lab.dir}`, { hint: 'run `provision lab up` first' });
  const pid1 = await livePid1(h);
  if (!pid1) throw new ProvisionError(`lab host ${host} is not running`, { host, hint: 'run `provision lab down` then `up`' });
  // A systemd host that rebooted has a new PID 1.
  return { ...h, pid: pid1.pid, pidStart: pid1.start };
}

/**
 * Run `command` with `sh -c` as root inside `host` (all its namespaces and its root), with a
 * clean environment like an SSH session's. Never throws on a non-zero exit.
 */
export async function labExec(lab: Pick<LabInfo, 'dir'>, host: string, command: string, opts: LabExecOptions = {}): Promise<RunResult> {
  const h = await hostState(lab, host);
  return tryRun(
    'nsenter',
    [
      '-t',
      String(h.pid),
      '-m',
      '-u',
      '-i',
      '-n',
      '-p',
      '-r',
      '-w',
      'env',
      '-i',
      'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
      'HOME=/root',
      'LANG=C.UTF-8',
      `JAVA_HOME=${JAVA_HOME}`,
      'USER=root',
      'LOGNAME=root',
      'sh',
      '-c',
      command,
    ],
    { timeoutMs: opts.timeoutMs ?? 60_000, input: opts.input },
  );
}
