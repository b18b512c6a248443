/**
 * End to end: the lab's hosts reached with the system ssh client through the lab's ssh config,
 * known_hosts and key. Each host is its own machine: hostname, /opt, processes, firewall.
 */
import { connect } from 'node:net';
import { rmSync, writeFileSync } from 'node:fs';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { useLab } from '../helpers/lab.ts';

const lab = useLab({ profile: 'multi' });

/** Whether a TCP connection from the machine to ip:port is accepted (bounded to 3s). */
function canConnect(ip: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = connect({ host: ip, port });
    const done = (ok: boolean): void => {
      clearTimeout(t);
      sock.destroy();
      resolve(ok);
    };
    const t = setTimeout(() => done(false), 3000);
    sock.once('connect', () => done(true));
    sock.once('error', () => done(false));
  });
}

const ipOf = (name: string): string => lab.info.hosts.find((h) => h.name === name)?.ip ?? '';

describe('lab hosts over ssh', () => {
  it('each host answers with its own hostname and looks like CentOS 7', async () => {
    const names: string[] = [];
    for (const h of lab.hosts) {
      const r = await lab.ssh(h, 'hostname; cat /etc/redhat-release');
      expect(r.code, r.stderr).toBe(0);
      const [name, release] = r.stdout.split('\n');
      expect(name).toBe(h);
      expect(release).toMatch(/^CentOS Linux release 7/);
      names.push(name ?? '');
    }
    expect(new Set(names).size).toBe(3);
  });

  it("each host sees only its own files under /opt, not the machine's nor another host's", async () => {
    const machineMarker = `/opt/provision-lab-machine-${process.pid}`;
    writeFileSync(machineMarker, 'machine\n');
    try {
      for (const h of lab.hosts) expect((await lab.ssh(h, `touch /opt/only-on-${h}`)).code).toBe(0);
      for (const h of lab.hosts) {
        const r = await lab.ssh(h, 'ls -A /opt');
        expect(r.stdout.split('\n').sort()).toEqual([`only-on-${h}`, 'tomcat']);
      }
    } finally {
      rmSync(machineMarker, { force: true });
    }
  });

  it('each host sees only its own processes (tini as PID 1, its own Tomcat or none)', async () => {
    for (const h of lab.hosts) {
      const r = await lab.ssh(h, 'ps -eo pid=,comm=');
      const procs = r.stdout
        .trim()
        .split('\n')
        .map((l) => l.trim().split(/\s+/));
      expect(procs.find(([pid]) => pid === '1')?.[1]).toBe('tini');
      const javas = procs.filter(([, comm]) => comm === 'java').length;
      expect(javas).toBe(h.endsWith('-web1') ? 0 : 1);
      expect(procs.filter(([, comm]) => comm === 'firewalld').length).toBe(1);
    }
  });

  it("firewalld is running on every host, with rules in the host's namespace only", async () => {
    for (const h of lab.hosts) {
      const r = await lab.ssh(h, 'firewall-cmd --state; nft list tables');
      expect(r.stdout.split('\n')).toEqual(expect.arrayContaining(['running', 'table inet firewalld']));
    }
    expect((await execa('nft', ['list', 'tables'])).stdout).not.toContain('firewalld');
  });

  it('a port opened with firewall-cmd on one host stays closed on another', async () => {
    const [, a, b] = lab.hosts as [string, string, string];
    const serve =
      'setsid python3 -m http.server 9999 >/dev/null 2>&1 < /dev/null & sleep 0.1; ' +
      'for i in $(seq 50); do ss -Hltn "sport = :9999" | grep -q . && exit 0; sleep 0.1; done; exit 1';
    for (const h of [a, b]) expect((await lab.ssh(h, serve)).code).toBe(0);
    // Both listen, both firewalls reject it until one opens it.
    expect(await canConnect(ipOf(a), 9999)).toBe(false);
    expect(await canConnect(ipOf(b), 9999)).toBe(false);
    expect((await lab.ssh(a, 'firewall-cmd --add-port=9999/tcp')).stdout.trim()).toBe('success');
    expect(await canConnect(ipOf(a), 9999)).toBe(true);
    expect(await canConnect(ipOf(b), 9999)).toBe(false);
    expect((await lab.ssh(b, 'firewall-cmd --list-ports')).stdout.trim()).toBe('');
  });
});
