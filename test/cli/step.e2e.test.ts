/**
 * `--step` on two lab hosts, answers piped on stdin, against the real ansible-playbook --step
 * running the same file locally: `y` runs a task, `n` leaves it out on every host (no header, no
 * count), `c` runs it and all after it without asking (its handler too). The hosts end with the
 * files of the y/c tasks only; the rerun makes only the skipped one; rollback removes them all.
 * A task after a skipped one is planned against the host as it is; at the end of stdin the run
 * stops (exit 2, as Ansible); --check asks too.
 */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useLab } from '../helpers/lab.ts';
import { BIN, cli } from '../helpers/recipe.ts';

const lab = useLab({ profile: 'scale', hosts: 2, services: false });
let dir = '';
const OUT = '/srv/step';

const PLAYBOOK = `- name: step through
  hosts: all
  gather_facts: false
  tasks:
    - name: one
      copy: { dest: "{{ out }}/one.txt", content: "one\\n" }
      notify: mark
    - name: two
      copy: { dest: "{{ out }}/two.txt", content: "two\\n" }
    - name: three
      copy: { dest: "{{ out }}/three.txt", content: "three\\n" }
  handlers:
    - name: mark
      copy: { dest: "{{ out }}/marked", content: "marked\\n" }
`;
// The second task writes the file the first one wrote: with the first skipped it creates it.
const DEPENDENT = `- hosts: all
  gather_facts: false
  tasks:
    - name: first version
      copy: { dest: "{{ out }}/dep.txt", content: "a\\n" }
    - name: second version
      copy: { dest: "{{ out }}/dep.txt", content: "b\\n" }
`;

const headers = (out: string) => [...out.matchAll(/^((?:TASK|RUNNING HANDLER) \[.*\])/gm)].map((m) => m[1]!);
// The question, not Ansible's banner that repeats it followed by stars.
const questions = (out: string) => [...out.matchAll(/^Perform task: (\w+: .*?) \(N\)o\/\(y\)es\/\(c\)ontinue: $/gm)].map((m) => m[1]!);

/** provision with `answers` on stdin (a pipe, as a script would give them). */
async function provision(file: string, answers: string, extra: string[] = []) {
  const r = await execa('node', [BIN, '-i', lab.info.inventoryPath, file, '-e', `out=${OUT}`, '--step', ...extra], {
    input: answers,
    reject: false,
    env: { CI: 'true' },
  });
  return { code: r.exitCode ?? -1, out: r.stdout, err: r.stderr };
}

/** ansible-playbook --step with the same answers on this machine: its files, headers, questions and exit code. */
async function ansible(file: string, answers: string) {
  const out = mkdtempSync(join(tmpdir(), 'pv-step-ansible-'));
  const r = await execa('ansible-playbook', ['-i', 'localhost,', '-c', 'local', '-e', `out=${out}`, '--step', file], {
    input: answers,
    reject: false,
    env: { ANSIBLE_NOCOLOR: '1' },
  });
  const files = readdirSync(out).sort();
  rmSync(out, { recursive: true, force: true });
  return { code: r.exitCode ?? -1, files, headers: headers(r.stdout), questions: questions(r.stdout) };
}

const files = async (host: string) => (await lab.exec(host, `ls -A ${OUT} 2>/dev/null`)).stdout.split('\n').filter(Boolean).sort();

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'pv-step-e2e-'));
  writeFileSync(join(dir, 'site.yml'), PLAYBOOK);
  writeFileSync(join(dir, 'dep.yml'), DEPENDENT);
  for (const h of lab.hosts) await lab.exec(h, `rm -rf ${OUT} && mkdir -p ${OUT}`);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('--step on lab hosts', () => {
  it('y / n / c: exactly the files of the y and c tasks (and the handler), as ansible-playbook --step; rerun; rollback', async () => {
    const theirs = await ansible(join(dir, 'site.yml'), 'y\nn\nc\n');
    const r = await provision(join(dir, 'site.yml'), 'y\nn\nc\n', ['--json']);
    expect(r.code, r.err).toBe(0);
    expect(theirs.code).toBe(0);
    expect(theirs.files).toEqual(['marked', 'one.txt', 'three.txt']);
    for (const h of lab.hosts) expect(await files(h)).toEqual(theirs.files);
    // The same questions, in the same order: `c` asks nothing more, not even for the handler.
    expect(questions(r.err)).toEqual(theirs.questions);
    expect(theirs.questions).toEqual(['TASK: one', 'TASK: two', 'TASK: three']);
    // The skipped task is in no result and no count, on any host (Ansible: changed=3 with the handler).
    const doc = JSON.parse(r.out) as { runId: string; recap: Record<string, { changed: number; skipped: number }> };
    for (const h of lab.hosts) expect(doc.recap[h]).toMatchObject({ changed: 3, skipped: 0 });

    // The plain output has Ansible's headers.
    for (const h of lab.hosts) await lab.exec(h, `rm -f ${OUT}/*`);
    const plain = await provision(join(dir, 'site.yml'), 'y\nn\nc\n');
    expect(plain.code, plain.out).toBe(0);
    expect(headers(plain.out)).toEqual(theirs.headers);
    expect(plain.out).toMatch(/\[\S+\] --step: would change: create \/srv\/step\/two\.txt/);
    const runId = /run (\S+): \d+ changes journaled/.exec(plain.out)?.[1];
    expect(runId, plain.out).toBeDefined();

    // The rerun, without --step, makes only the skipped task.
    const rerun = await cli(['-i', lab.info.inventoryPath, join(dir, 'site.yml'), '-e', `out=${OUT}`, '--json']);
    expect(rerun.code, rerun.out).toBe(0);
    for (const h of lab.hosts) {
      expect(rerun.json!.recap[h]).toMatchObject({ changed: 1, failed: 0 });
      expect(await files(h)).toEqual(['marked', 'one.txt', 'three.txt', 'two.txt']);
    }
    // Rolling back the rerun, then the stepped run, leaves the hosts as they were.
    expect((await cli(['rollback', '-i', lab.info.inventoryPath])).code).toBe(0);
    for (const h of lab.hosts) expect(await files(h)).toEqual(['marked', 'one.txt', 'three.txt']);
    const back = await cli(['rollback', '-i', lab.info.inventoryPath, '--run', runId!]);
    expect(back.code, back.out).toBe(0);
    for (const h of lab.hosts) expect(await files(h)).toEqual([]);
  });

  it('a task after a skipped one is asked, planned and made against the host as it is', async () => {
    const r = await provision(join(dir, 'dep.yml'), 'n\ny\n');
    expect(r.code, r.out).toBe(0);
    // Planned before the run as an update of the first version's file; asked as what it is now.
    expect(r.out).toMatch(/--step: would change: create \/srv\/step\/dep\.txt/);
    expect(r.out).not.toMatch(/update \/srv\/step\/dep\.txt/);
    for (const h of lab.hosts) expect((await lab.exec(h, `cat ${OUT}/dep.txt`)).stdout.trim()).toBe('b');
    const theirs = await ansible(join(dir, 'dep.yml'), 'n\ny\n');
    expect(theirs.headers).toEqual(headers(r.out));
    expect((await cli(['rollback', '-i', lab.info.inventoryPath])).code).toBe(0);
    for (const h of lab.hosts) expect(await files(h)).toEqual([]);
  });

  it('--check asks too, and a row after a skipped one is planned without it; nothing changes', async () => {
    const r = await provision(join(dir, 'dep.yml'), 'n\ny\n', ['--check']);
    expect(r.code, r.out).toBe(0);
    expect(questions(r.err)).toEqual(['TASK: first version', 'TASK: second version']);
    expect(headers(r.out)).toEqual(['TASK [second version]']);
    expect(r.out).toMatch(/would change: \[\S+\] => create \/srv\/step\/dep\.txt/);
    for (const h of lab.hosts) expect(await files(h)).toEqual([]);
  });

  it('stdin ends before an answer: that task and all after it do not run; exit 2, as ansible-playbook', async () => {
    const theirs = await ansible(join(dir, 'site.yml'), 'y\n');
    const r = await provision(join(dir, 'site.yml'), 'y\n');
    expect(theirs.code).toBe(2);
    expect(r.code, r.out).toBe(2);
    expect(r.out).toContain('--step: no answer for TASK: two (stdin ended)');
    // Ansible runs no handler then either.
    expect(theirs.files).toEqual(['one.txt']);
    for (const h of lab.hosts) {
      expect(await files(h)).toEqual(theirs.files);
      expect((await lab.exec(h, 'test -e /var/lib/provision/lock')).code).not.toBe(0);
    }
    // Recorded as a run that stopped short, as after Ctrl-C.
    const history = await cli(['history', '-i', lab.info.inventoryPath]);
    const runId = /^run (\S+):/m.exec(r.out)?.[1];
    expect(runId, r.out).toBeDefined();
    expect(history.out).toMatch(new RegExp(`${runId}.*interrupted`));
    expect((await cli(['rollback', '-i', lab.info.inventoryPath])).code).toBe(0);
    for (const h of lab.hosts) expect(await files(h)).toEqual([]);
  });
});
