/**
 * Issue 14's acceptance: a playbook in the shape of a Galaxy Tomcat role (test/fixtures/galaxy-tomcat:
 * defaults, vars, meta, templates, handlers with `listen`, `register` + `when` on a stat loop and on
 * a command's output through set_fact, facts in a template, `no_log`, the manager password and the
 * AJP secret in a group_vars file encrypted here by the real ansible-vault), run by `provision` on
 * one fresh host and by `ansible-playbook` on its twin. Both hosts end the same, byte for byte:
 * the rendered files, what the registered results decided, and the handler's effect (Tomcat
 * restarted once, with the new settings, answering on the new port). provision's rerun changes nothing.
 */
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { quote } from '../../src/core/quote.ts';
import { ansibleFor, anonymous, fileText, writeIni, type AnsibleRun } from '../helpers/ansible.ts';
import { useLab } from '../helpers/lab.ts';
import { checksums, cli, TREES } from '../helpers/recipe.ts';

const FIXTURE = join(import.meta.dirname, '../fixtures/galaxy-tomcat');
const PASSWORD = 'm@nager-from-the-vault';
const SECRET = 'ajp-secret-from-the-vault';
const RENDERED = [
  '/opt/tomcat/conf/server.xml',
  '/opt/tomcat/bin/setenv.sh',
  '/opt/tomcat/conf/tomcat-users.xml',
  '/opt/tomcat/conf/namespace.txt',
];

// Twins in one lab: nothing is started on them (the role's handler starts Tomcat), no clustering.
const lab = useLab({ profile: 'scale', hosts: 2, services: false });
let dir = '';
let a = '';
let b = '';
let iniA = '';
let iniB = '';
let stop = async () => {};

beforeAll(async () => {
  [a, b] = lab.hosts as [string, string];
  dir = mkdtempSync(join(tmpdir(), 'pv-galaxy-'));
  cpSync(FIXTURE, dir, { recursive: true });
  writeFileSync(join(dir, 'vault.pw'), 'galaxy-vault-password\n');
  writeFileSync(
    join(dir, 'group_vars/tomcat/vault.yml'),
    `vault_tomcat_manager_password: "${PASSWORD}"\nvault_tomcat_ajp_secret: ${SECRET}\n`,
  );
  await execa('ansible-vault', ['encrypt', '--vault-password-file', 'vault.pw', 'group_vars/tomcat/vault.yml'], { cwd: dir });
  iniA = writeIni(lab, a, join(dir, 'a.ini'));
  iniB = writeIni(lab, b, join(dir, 'b.ini'));
});
afterAll(async () => {
  await stop();
  rmSync(dir, { recursive: true, force: true });
});

const provision = (extra: string[] = []) =>
  cli(['-i', iniA, join(dir, 'site.yml'), '--vault-password-file', join(dir, 'vault.pw'), ...extra]);

/** The files the role writes (exact bytes, mode, owner), what it removed, and the Tomcat its handler started. */
async function result(host: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const f of RENDERED) {
    const stat = await lab.exec(host, `stat -c '%a %U:%G' ${quote(f)}`);
    out[f] = `${stat.stdout.trim()}\n${await fileText(lab, host, f)}`;
  }
  out.webapps = (await lab.exec(host, 'ls /opt/tomcat/webapps')).stdout.trim();
  out.restarts = await fileText(lab, host, '/opt/tomcat/logs/restarts.log');
  const java = await lab.exec(
    host,
    "pgrep -f -- '-Dcatalina[.]base=/opt/tomcat ' | xargs -r -I{} sh -c \"tr '\\\\0' ' ' < /proc/{}/cmdline\"",
  );
  out.jvm = ['-Xmx192m', '-Dgalaxy.role=tomcat'].map((o) => `${o}: ${java.stdout.includes(o)}`).join(', ');
  const http = await lab.exec(host, "curl -s -o /dev/null -w '%{http_code}' --max-time 10 http://127.0.0.1:8180/");
  out['http 8180'] = http.stdout.trim();
  return out;
}

async function tree(host: string): Promise<string> {
  const modes = await lab.exec(
    host,
    `find ${TREES} -not -path '*/logs/*' -not -path '*/work/*' -not -path '*/temp/*' -printf '%M %u %g %p\\n' | sort -k4`,
  );
  return anonymous(lab, host, `${modes.stdout}\n${await checksums(lab, host)}`);
}

describe('a Galaxy-style Tomcat role with a vaulted secret, under provision and ansible-playbook on twin hosts', () => {
  it('both tools run it unchanged: exit 0, the same recap (Ansible’s fact gathering aside); provision shows no secret', async () => {
    expect(await tree(a)).toBe(await tree(b));
    const ansible = ansibleFor(lab, mkdtempSync(join(dir, 'ansible-')), join(dir, 'ansible.cfg'));
    stop = ansible.stop;
    const [p, q] = await Promise.all([
      provision(['--json']),
      ansible.run(['-i', iniB, join(dir, 'site.yml'), '--vault-password-file', join(dir, 'vault.pw')]),
    ]);
    expect(p.code, p.out).toBe(0);
    expect(q.code, q.out).toBe(0);
    const { ok, changed, failed, skipped } = p.json!.recap[a] as unknown as AnsibleRun['recap'][string];
    // Changed: server.xml, setenv.sh, users, namespace.txt, the ROOT webapp removed, the restart handler.
    expect(q.recap[b]!.changed).toBe(6);
    // Ansible's ok= counts its Gathering Facts task too; provision reads the facts in its fact round trip.
    expect({ ok: ok + 1, changed, failed, skipped }).toEqual(q.recap[b]);
    expect(p.out).not.toContain(PASSWORD);
    expect(p.out).not.toContain(SECRET);
  }, 300_000); // both tools in full, Tomcat's start included, on a busy machine; each run has its own bound

  it('the twins end the same, byte for byte: rendered files, what the registered results decided, the handler’s restart', async () => {
    const ours = await result(a);
    expect(ours).toEqual(await result(b));
    // What that covers: the vaulted values rendered, the version read from the command, the stat loop's removal, one restart.
    expect(ours['/opt/tomcat/conf/tomcat-users.xml']).toContain(
      `<user username="deployer" password="${PASSWORD}" roles="manager-script"/>`,
    );
    expect(ours['/opt/tomcat/conf/server.xml']).toContain(`secret="${SECRET}"`);
    expect(ours['/opt/tomcat/bin/setenv.sh']).toMatch(
      /^755 root:root\n#!\/bin\/sh\n# Managed by the tomcat role \(Tomcat 10 on CentOS 7\)\n/,
    );
    expect(ours['/opt/tomcat/conf/namespace.txt']).toBe('644 root:root\nTomcat 10: jakarta.*\n');
    expect(ours).toMatchObject({
      webapps: '',
      restarts: 'restarted\n',
      jvm: '-Xmx192m: true, -Dgalaxy.role=tomcat: true',
      'http 8180': '404',
    });
    expect(await tree(a)).toBe(await tree(b));
  });

  it('provision’s rerun reports changed=0, changes no byte and does not restart Tomcat', async () => {
    const before = { files: await checksums(lab, a), pid: (await lab.exec(a, "pgrep -f -- '-Dcatalina[.]base=/opt/tomcat '")).stdout };
    const r = await provision(['--json']);
    expect(r.code, r.out).toBe(0);
    expect(r.json!.recap[a]).toMatchObject({ changed: 0, failed: 0 });
    expect(await checksums(lab, a)).toBe(before.files);
    expect((await lab.exec(a, "pgrep -f -- '-Dcatalina[.]base=/opt/tomcat '")).stdout).toBe(before.pid);
    expect(await fileText(lab, a, '/opt/tomcat/logs/restarts.log')).toBe('restarted\n');
  });
});
