/** `lab up`: bridge, namespaces, overlay roots, PID 1 per host, then the access files. */
import { mkdir, readFile } from 'node:fs/promises';
import { ProvisionError } from '../core/errors.ts';
import { labDown } from './down.ts';
import { labExec } from './exec.ts';
import { hostsFile, usageText, writeAccessFiles } from './files.ts';
import { prepareHost, startHost, waitSsh } from './host.ts';
import { checkFree, createBridge, createHostNet } from './network.ts';
import { mapLimit, run } from './run.ts';
import { planHosts, resolveSettings, type LabSettings } from './settings.ts';
import { readState, writeState } from './state.ts';
import { labStatus, labInfo } from './status.ts';
import { buildTemplate } from './template.ts';
import type { HostState, LabInfo, LabOptions, LabState } from './types.ts';

function preflight(): void {
  if (process.platform !== 'linux' || process.getuid?.() !== 0) {
    throw new ProvisionError('the lab needs root on Linux', { hint: 'run `sudo provision lab up` on a Linux machine' });
  }
}

/**
 * Shell loop (bounded) that ends 0 once firewalld and the host's services listen (and, on a
 * systemd host, every unit has started: `running`); a `degraded` boot fails at once, naming the failed units.
 */
function servicesReadyScript(h: HostState, s: Pick<LabSettings, 'services' | 'init'>, timeoutS: number): string {
  const services = s.services;
  const checks = ['nft list table inet firewalld >/dev/null 2>&1'];
  if (s.init === 'systemd') {
    checks.unshift(
      '{ st=$(systemctl is-system-running 2>/dev/null); ' +
        '[ "$st" != degraded ] || { systemctl --failed --no-legend >&2; exit 2; }; [ "$st" = running ]; }',
    );
  }
  const state = 'firewall-cmd --state >/dev/null 2>&1';
  const listens = (port: number): string => `[ -n "$(ss -Hltn 'sport = :${port}')" ]`;
  if (services && h.groups.includes('apache')) checks.push(listens(80));
  if (services && h.groups.includes('tomcat')) checks.push(listens(8080), listens(8005));
  // Cheap checks first: firewall-cmd (a Python program) runs only once the rest pass.
  return `i=0; while [ $i -lt ${timeoutS * 5} ]; do ${[...checks, state].join(' && ')} && exit 0; ` + 'i=$((i+1)); sleep 0.2; done; exit 1';
}

async function waitServices(s: LabSettings, info: LabInfo, hosts: HostState[]): Promise<void> {
  const timeoutS = Math.max(90, hosts.length * 6);
  await mapLimit(hosts, 64, async (h) => {
    const r = await labExec(info, h.name, servicesReadyScript(h, s, timeoutS), { timeoutMs: (timeoutS + 10) * 1000 });
    if (r.code !== 0) {
      const why = r.code === 2 ? `systemd units failed: ${r.stderr.trim()}` : `firewalld/Apache/Tomcat not ready within ${timeoutS}s`;
      throw new ProvisionError(`lab host ${h.name}: ${why}`, {
        host: h.name,
        hint:
          s.init === 'systemd'
            ? `look at \`systemctl --failed\` and \`journalctl -b\` on ${h.name}`
            : `look at /var/log/firewalld, /usr/local/apache2/logs and /opt/tomcat/logs on ${h.name}`,
      });
    }
  });
}

async function bringUp(s: LabSettings, state: LabState): Promise<LabInfo> {
  const save = (): void => writeState(s.statePath, state);
  const t0 = Date.now();
  await mkdir(s.fsDir, { recursive: true });
  await run('mount', ['-t', 'tmpfs', '-o', 'mode=0700,size=8g', `lab-${s.name}`, s.fsDir]);
  await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', `provision-lab-${s.name}`, '-f', s.keyPath]);
  await buildTemplate(`${s.fsDir}/template`, await readFile(`${s.keyPath}.pub`, 'utf8'), s.dir, s.init, s.layout);
  state.bridgeCreated = true;
  save();
  await createBridge(s);
  const hostKeys = await mapLimit(state.hosts, 8, async (h) => {
    const key = await prepareHost(s, h, hostsFile(state.hosts));
    await createHostNet(s, h);
    await startHost(s, h, save);
    return key;
  });
  await mapLimit(state.hosts, 64, (h) => waitSsh(s, h));
  s.log(`sshd answers on ${state.hosts.length} host(s) after ${((Date.now() - t0) / 1000).toFixed(1)}s`);
  await writeAccessFiles(s, state.hosts, hostKeys);
  const info = labInfo(s, state);
  await waitServices(s, info, state.hosts);
  s.log(`services ready after ${((Date.now() - t0) / 1000).toFixed(1)}s`);
  return info;
}

/**
 * Bring a lab up. Safe to call twice: a lab that is already up is returned as it is; the
 * remains of a crashed one are torn down first. On failure everything made so far is removed.
 */
export async function labUp(opts: LabOptions = {}): Promise<LabInfo> {
  preflight();
  const s = resolveSettings(opts);
  if (readState(s.statePath)) {
    const st = await labStatus(opts);
    if (st.up && st.info) {
      const note =
        st.info.profile !== s.profile || st.info.hosts.length !== s.hostCount
          ? ` with profile ${st.info.profile}; run \`lab down\` first to change it`
          : '';
      s.log(`lab "${s.name}" is already up (${st.info.hosts.length} host(s))${note}; nothing to do`);
      return st.info;
    }
    s.log(`lab "${s.name}" has remains of an earlier run (${st.problems.join('; ')}); cleaning up first`);
    await labDown(opts);
  }
  const hosts: HostState[] = planHosts(s).map((h, i) => ({ ...h, veth: `${s.prefix}v${i + 1}` }));
  await checkFree(s, hosts);
  await mkdir(s.logDir, { recursive: true });
  const state: LabState = {
    name: s.name,
    prefix: s.prefix,
    bridge: s.bridge,
    subnet: s.subnet,
    profile: s.profile,
    init: s.init,
    layout: s.layout,
    services: s.services,
    fsDir: s.fsDir,
    bridgeCreated: false,
    hosts,
    createdAt: new Date().toISOString(),
  };
  writeState(s.statePath, state);
  try {
    const info = await bringUp(s, state);
    s.log(usageText(s, info.hosts));
    return info;
  } catch (err) {
    s.log(`lab up failed; removing what it made`);
    await labDown({ ...opts, log: () => {} }).catch((e: unknown) => s.log(`cleanup: ${String(e)}`));
    throw err;
  }
}
