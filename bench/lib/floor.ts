/**
 * The floor: what one host costs at the least. A fresh OpenSSH `ssh host true`; one command on an
 * open OpenSSH connection (ControlMaster); and the same two through provision's own transport
 * (ssh2, in this process: no process start).
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { snippetFor } from '../../src/facts/snippets.ts';
import { connect } from '../../src/transport/index.ts';
import type { LabInfo } from '../../src/lab/index.ts';
import { timed } from './proc.ts';
import { stats, type Stats } from './stats.ts';
import { WORK } from './labs.ts';

/** Floor measurements, ms. */
export interface Floor {
  /** `ssh -F cfg host true`: process start, TCP, key exchange, auth, one exec. */
  sshFresh: Stats;
  /** `ssh -S ctl host true` over an open master: process start + one exec. */
  sshMux: Stats;
  /** provision's transport: connect + one exec, in-process. */
  transportFresh: Stats;
  /** provision's transport: one exec on an open connection. */
  transportExec: Stats;
  /** Host-side cost of provision's firewall fact (its D-Bus queries, or firewall-cmd without dbus-send), on an open connection. */
  firewallFact: Stats;
}

async function sleep(ms: number) {
  await new Promise((r) => setTimeout(r, ms));
}

/** Measure the floor on `host` of `info`, `reps` times each. */
export async function measureFloor(info: LabInfo, host: string, reps: number): Promise<Floor> {
  const cfg = ['-F', info.sshConfigPath];
  const fresh: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t = await timed('ssh', [...cfg, host, 'true'], { timeoutMs: 20_000 });
    if (t.code !== 0) throw new Error(`ssh ${host} true failed: ${t.stderr}`);
    fresh.push(t.ms);
  }

  const sock = join(WORK, `floor-${host}.sock`);
  const master = spawn('ssh', [...cfg, '-M', '-S', sock, '-N', host], { stdio: 'ignore' });
  const mux: number[] = [];
  try {
    // Wait (bounded) for the master to accept clients.
    for (let i = 0; i < 100; i++) {
      const c = await timed('ssh', [...cfg, '-S', sock, '-O', 'check', host], { timeoutMs: 5_000 });
      if (c.code === 0) break;
      await sleep(50);
    }
    for (let i = 0; i < reps; i++) {
      const t = await timed('ssh', [...cfg, '-S', sock, host, 'true'], { timeoutMs: 20_000 });
      if (t.code !== 0) throw new Error(`ssh -S ${host} true failed: ${t.stderr}`);
      mux.push(t.ms);
    }
  } finally {
    master.kill('SIGTERM');
  }

  const h = info.hosts.find((x) => x.name === host)!;
  const spec = {
    name: host,
    host: h.ip,
    port: 22,
    user: 'root',
    privateKeyFile: info.keyPath,
    become: false,
    hostKeyChecking: 'strict' as const,
    knownHostsFile: info.knownHostsPath,
  };
  const tFresh: number[] = [];
  const tExec: number[] = [];
  const fw: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    const tr = await connect(spec);
    await tr.exec('true');
    tFresh.push(performance.now() - t0);
    for (let k = 0; k < 3; k++) {
      const t1 = performance.now();
      await tr.exec('true');
      tExec.push(performance.now() - t1);
    }
    const t2 = performance.now();
    await tr.exec(snippetFor({ type: 'firewall', zone: 'public' }));
    fw.push(performance.now() - t2);
    await tr.close();
  }
  return {
    sshFresh: stats(fresh),
    sshMux: stats(mux),
    transportFresh: stats(tFresh),
    transportExec: stats(tExec),
    firewallFact: stats(fw),
  };
}
