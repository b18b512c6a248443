/**
 * The real ansible-playbook against lab hosts, as bench/run.ts runs it (bench/ansible/ansible.cfg
 * through ANSIBLE_CONFIG, the lab's known_hosts, a ControlPath directory of its own), and what the
 * twin tests compare: an INI inventory per host, the files a run leaves, canonical XML.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { stopMasters } from '../../bench/lib/masters.ts';
import { quote } from '../../src/core/quote.ts';
import type { TestLab } from './lab.ts';

export const REPO = join(import.meta.dirname, '../..');

/** What `ansible-playbook` printed, its exit code, and the PLAY RECAP counts per host. */
export interface AnsibleRun {
  code: number;
  out: string;
  recap: Record<string, { ok: number; changed: number; failed: number; skipped: number }>;
}

/** An ansible-playbook for one lab: its environment lives under `dir`; `stop()` ends the SSH masters it left. */
export function ansibleFor(lab: TestLab, dir: string, config = join(REPO, 'bench/ansible/ansible.cfg')) {
  const cp = join(dir, 'cp');
  mkdirSync(cp, { recursive: true });
  const env = {
    ANSIBLE_CONFIG: config,
    ANSIBLE_SSH_CONTROL_PATH_DIR: cp,
    ANSIBLE_SSH_COMMON_ARGS: `-o UserKnownHostsFile=${lab.info.knownHostsPath} -o StrictHostKeyChecking=yes -o IdentitiesOnly=yes`,
    ANSIBLE_NOCOLOR: '1',
    ANSIBLE_FORCE_COLOR: '0',
    ANSIBLE_LOCAL_TEMP: join(dir, 'ansible-tmp'),
    ANSIBLE_HOME: join(dir, 'ansible-home'),
  };
  return {
    async run(args: string[], cwd = dir): Promise<AnsibleRun> {
      const r = await execa('ansible-playbook', args, { reject: false, timeout: 300_000, cwd, env });
      const out = `${r.stdout}\n${r.stderr}`;
      const recap: AnsibleRun['recap'] = {};
      const re = /^(\S+)\s+:\s+ok=(\d+)\s+changed=(\d+)\s+unreachable=\d+\s+failed=(\d+)\s+skipped=(\d+)/gm;
      for (let m = re.exec(r.stdout); m; m = re.exec(r.stdout)) {
        recap[m[1]!] = { ok: Number(m[2]), changed: Number(m[3]), failed: Number(m[4]), skipped: Number(m[5]) };
      }
      return { code: r.exitCode ?? -1, out, recap };
    },
    stop: () => stopMasters(cp),
  };
}

/**
 * An INI inventory of one lab host (the bench's shape: Apache in front of the host's Tomcats), with
 * a group, `:children` and `:vars`, written to `path`.
 */
export function writeIni(lab: TestLab, host: string, path: string): string {
  const ip = lab.info.hosts.find((h) => h.name === host)!.ip;
  const text = [
    `# ${host}: Apache and its Tomcats on one host`,
    '[apache]',
    `${host} ansible_host=${ip}`,
    '',
    '[tomcat]',
    host,
    '',
    '[cluster:children]',
    'apache',
    'tomcat',
    '',
    '[cluster:vars]',
    'ansible_user=root',
    `ansible_ssh_private_key_file=${lab.info.keyPath}`,
    `provision_known_hosts_file=${lab.info.knownHostsPath}`,
    '',
  ].join('\n');
  writeFileSync(path, text);
  return path;
}

/** XML as canonical XML 2.0 (Python's C14N: attribute order, quoting, empty tags and whitespace-only text do not matter). */
export async function canonicalXml(xml: string): Promise<string> {
  const code =
    'import sys, xml.etree.ElementTree as ET\nsys.stdout.write(ET.canonicalize(sys.stdin.read(), with_comments=True, strip_text=True))';
  const r = await execa('python3', ['-c', code], { input: xml, reject: false });
  if (r.exitCode !== 0) throw new Error(`not well-formed XML: ${r.stderr}`);
  return r.stdout;
}

/** A host's text with its own name and address replaced, so twins compare equal. */
export function anonymous(lab: TestLab, host: string, text: string): string {
  const ip = lab.info.hosts.find((h) => h.name === host)!.ip;
  return text.split(ip).join('<ADDRESS>').split(host).join('<HOST>');
}

/** The bytes of `path` on `host` (a marker keeps trailing newlines), or `<absent>`. */
export async function fileText(lab: TestLab, host: string, path: string): Promise<string> {
  const r = await lab.exec(host, `test -f ${quote(path)} && { cat ${quote(path)}; echo .; } || echo '<absent>'`);
  return r.stdout.replace(/\n$/, '').replace(/\.$/, '');
}
