/**
 * Bad input through the real CLI: each case names where the problem is, exits non-zero with
 * Ansible's code, and changes nothing on any host (the playbook would create /srv/bad/marker).
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { useLab } from '../helpers/lab.ts';

const lab = useLab({ profile: 'scale', hosts: 2 });
const BIN = join(import.meta.dirname, '../../bin/provision.js');
let dir: string;
let goodInv: Record<string, any>;

const GOOD_PLAY = `- hosts: all
  tasks:
    - name: make the marker
      copy: { dest: /srv/bad/marker, content: "x" }
`;

function write(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

async function cli(args: string[]) {
  const r = await execa('node', [BIN, ...args], { reject: false, timeout: 60_000, env: { CI: 'true' } });
  return { code: r.exitCode, out: `${r.stdout}\n${r.stderr}` };
}

async function nothingChanged(): Promise<void> {
  for (const h of lab.hosts) expect((await lab.exec(h, 'test -e /srv/bad')).code, `${h} was changed`).toBe(1);
}

/** The lab inventory with one host's settings changed. */
function inventoryWith(change: (inv: Record<string, any>, first: Record<string, any>) => void): string {
  const inv = structuredClone(goodInv);
  const first = inv.all.hosts[lab.hosts[0]!];
  change(inv, first);
  return write(`inv-${Math.random().toString(36).slice(2)}.yml`, stringify(inv));
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'pv-bad-'));
  goodInv = parse(readFileSync(lab.info.inventoryPath, 'utf8'));
  write('good.yml', GOOD_PLAY);
});

describe('bad input gives a clear error, a non-zero exit and no change on any host', () => {
  it('malformed inventory YAML: file:line:column', async () => {
    const inv = write('broken.yml', 'all:\n  hosts:\n    a: {ansible_host: 1.2.3.4\n  vars: x\n');
    const r = await cli(['-i', inv, join(dir, 'good.yml')]);
    expect(r.code).toBe(4);
    expect(r.out).toMatch(new RegExp(`${inv}:\\d+:\\d+`));
    await nothingChanged();
  });

  it('unknown inventory key: names it, where, and the likely fix', async () => {
    const inv = inventoryWith((i) => {
      i.all.hots = {};
    });
    const r = await cli(['-i', inv, join(dir, 'good.yml')]);
    expect(r.code).toBe(4);
    expect(r.out).toMatch(/hots/);
    expect(r.out).toMatch(new RegExp(`${inv}:\\d+:\\d+`));
    expect(r.out).toContain('hosts');
    await nothingChanged();
  });

  it('undefined group in --limit', async () => {
    const r = await cli(['-i', lab.info.inventoryPath, join(dir, 'good.yml'), '--limit', 'webservers']);
    expect(r.code).toBe(4);
    expect(r.out).toMatch(/webservers/);
    expect(r.out).toMatch(/--limit/);
    await nothingChanged();
  });

  it('missing key file: names the file and the host', async () => {
    const inv = inventoryWith((_i, h) => {
      h.ansible_ssh_private_key_file = '/nonexistent/id_ed25519';
    });
    const r = await cli(['-i', inv, join(dir, 'good.yml')]);
    expect(r.code).toBe(3);
    expect(r.out).toContain('/nonexistent/id_ed25519');
    expect(r.out).toContain(lab.hosts[0]!);
    await nothingChanged();
  });

  it('unreachable host (closed port): the other host is not changed either', async () => {
    const inv = inventoryWith((_i, h) => {
      h.ansible_port = 2;
    });
    const r = await cli(['-i', inv, join(dir, 'good.yml')]);
    expect(r.code).toBe(3);
    expect(r.out).toMatch(/UNREACHABLE/);
    expect(r.out).toMatch(new RegExp(`${lab.info.hosts[0]!.ip}:2`));
    await nothingChanged();
  });

  it('wrong key: refused with the user and methods tried', async () => {
    const key = join(dir, 'other_key');
    await execa('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', key]);
    const inv = inventoryWith((_i, h) => {
      h.ansible_ssh_private_key_file = key;
    });
    const r = await cli(['-i', inv, join(dir, 'good.yml')]);
    expect(r.code).toBe(3);
    expect(r.out).toMatch(/root/);
    expect(r.out).toMatch(/publickey/);
    await nothingChanged();
  });

  it('refused host key (strict, unknown): shows the fingerprint and what to do', async () => {
    const kh = write('empty_known_hosts', '');
    const inv = inventoryWith((i) => {
      i.all.vars.provision_known_hosts_file = kh;
    });
    const r = await cli(['-i', inv, join(dir, 'good.yml')]);
    expect(r.code).toBe(3);
    expect(r.out).toMatch(/SHA256:/);
    expect(r.out).toMatch(/accept-new|ssh-keyscan/);
    await nothingChanged();
  });

  it('changed host key: refused even with accept-new, both fingerprints shown', async () => {
    const key = join(dir, 'fake_host_key');
    await execa('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', key]);
    const pub = readFileSync(`${key}.pub`, 'utf8').split(' ').slice(0, 2).join(' ');
    const kh = write('wrong_known_hosts', lab.info.hosts.map((h) => `${h.ip} ${pub}\n`).join(''));
    const inv = inventoryWith((i) => {
      i.all.vars.provision_known_hosts_file = kh;
    });
    const r = await cli(['-i', inv, join(dir, 'good.yml'), '--host-key-checking', 'accept-new']);
    expect(r.code).toBe(3);
    expect((r.out.match(/SHA256:[A-Za-z0-9+/]+/g) ?? []).length).toBeGreaterThanOrEqual(2);
    await nothingChanged();
  });

  it('unknown operation: file:line:column and a suggestion', async () => {
    const pb = write('unknown-op.yml', GOOD_PLAY.replace('copy:', 'cpoy:'));
    const r = await cli(['-i', lab.info.inventoryPath, pb]);
    expect(r.code).toBe(4);
    expect(r.out).toContain(`${pb}:4:7`);
    expect(r.out).toMatch(/did you mean `copy`/);
    await nothingChanged();
  });

  it('missing required argument: names the argument and the task', async () => {
    const pb = write('missing-arg.yml', GOOD_PLAY.replace('dest: /srv/bad/marker, ', ''));
    const r = await cli(['-i', lab.info.inventoryPath, pb]);
    expect(r.code).toBe(4);
    expect(r.out).toContain(`${pb}:3:7`);
    expect(r.out).toMatch(/needs argument `dest`/);
    await nothingChanged();
  });

  it('malformed playbook YAML: file:line:column with the line shown', async () => {
    const pb = write('broken-play.yml', '- hosts: all\n  tasks:\n    - name: x\n      copy: {dest: /a, content: "b"\n');
    const r = await cli(['-i', lab.info.inventoryPath, pb]);
    expect(r.code).toBe(4);
    expect(r.out).toMatch(new RegExp(`${pb}:\\d+:\\d+`));
    await nothingChanged();
  });

  it('an undefined variable stops the run before any host is touched', async () => {
    const pb = write('undef.yml', GOOD_PLAY.replace('content: "x"', 'content: "{{ not_defined_anywhere }}"'));
    const r = await cli(['-i', lab.info.inventoryPath, pb]);
    expect(r.code).toBe(4);
    expect(r.out).toMatch(/not_defined_anywhere/);
    await nothingChanged();
  });
});
