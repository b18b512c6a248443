/**
 * `ansible.builtin.unarchive` with `remote_src: true` on a lab host: a tar.gz and a zip already on
 * the host unpacked into an existing directory that holds an older copy of one file. --check lists
 * what would be added and replaced and changes nothing; the run unpacks; the rerun is ok; `creates`
 * skips; rollback removes what was added and puts back the replaced file's old bytes.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useLab } from '../helpers/lab.ts';
import { cli } from '../helpers/recipe.ts';

const lab = useLab({ profile: 'scale', hosts: 1, services: false });
const host = () => lab.hosts[0]!;
let dir = '';
const sh = async (cmd: string) => {
  const r = await lab.exec(host(), cmd);
  expect(r.code, `${cmd}\n${r.stdout}${r.stderr}`).toBe(0);
  return r.stdout;
};
/** Every file under the directory with its sha256, and every directory: what a user would compare. */
const tree = (d: string) =>
  sh(`cd ${d} && find . | sort | while read -r f; do if [ -f "$f" ]; then sha256sum "$f"; else echo "$f"; fi; done`);
const run = (...extra: string[]) => cli(['-i', lab.info.inventoryPath, join(dir, 'site.yml'), ...extra]);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'pv-unarchive-'));
  writeFileSync(
    join(dir, 'site.yml'),
    [
      '- hosts: all',
      '  tasks:',
      '    - name: unpack the tarball',
      '      ansible.builtin.unarchive: { src: /opt/pkg/app.tar.gz, dest: /opt/dest, remote_src: yes }',
      '    - name: unpack the zip',
      '      unarchive: { src: /opt/pkg/web.zip, dest: /opt/dest, remote_src: true }',
      '    - name: guarded by creates',
      '      unarchive: { src: /opt/pkg/app.tar.gz, dest: /opt/other, remote_src: true, creates: /opt/other/done }',
      '',
    ].join('\n'),
  );
  // The archives are made on the host; /opt/dest has an older app/conf/app.conf and a file of its own.
  await sh(
    'mkdir -p /tmp/ua/app/conf /tmp/ua/app/lib /tmp/ub/web /opt/pkg /opt/dest/app/conf /opt/other && ' +
      'echo "port=8080" > /tmp/ua/app/conf/app.conf && printf "\\001\\002bin" > /tmp/ua/app/lib/x.bin && ' +
      'echo "<h1>hi</h1>" > /tmp/ub/web/index.html && tar -czf /opt/pkg/app.tar.gz -C /tmp/ua app && ' +
      '(cd /tmp/ub && zip -qr /opt/pkg/web.zip web) && echo "port=1" > /opt/dest/app/conf/app.conf && ' +
      'echo mine > /opt/dest/mine.txt && touch /opt/other/done && rm -rf /tmp/ua /tmp/ub',
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('unarchive with remote_src on a lab host', () => {
  let before = '';
  let runId = '';

  it('--check lists the files it would add and replace, and changes nothing', async () => {
    before = await tree('/opt/dest');
    const r = await run('--check');
    expect(r.code, r.out).toBe(0);
    expect(r.out).toContain('unpack /opt/pkg/app.tar.gz into /opt/dest: 1 new file, 1 replaced file, 1 new directory');
    expect(r.out).toContain('+app/lib/x.bin ~app/conf/app.conf');
    expect(r.out).toContain('unpack /opt/pkg/web.zip into /opt/dest: 1 new file, 1 new directory (+web/index.html)');
    expect(r.out).toMatch(/TASK \[guarded by creates\][^\n]*\nok: /);
    expect(await tree('/opt/dest')).toBe(before);
  });

  it('unpacks both archives; the rerun is ok', async () => {
    const r = await run('--json');
    expect(r.code, r.out).toBe(0);
    runId = r.json!.runId!;
    expect(await sh('cat /opt/dest/app/conf/app.conf /opt/dest/web/index.html /opt/dest/mine.txt')).toBe('port=8080\n<h1>hi</h1>\nmine');
    expect(await sh('od -An -c /opt/dest/app/lib/x.bin')).toMatch(/001 002 +b +i +n/);
    expect((await lab.exec(host(), 'ls -A /opt/other')).stdout.trim()).toBe('done');
    const again = await run('--json');
    expect(again.code, again.out).toBe(0);
    expect(again.json!.recap[host()]).toMatchObject({ changed: 0, failed: 0 });
  });

  it('rollback removes what was unpacked and puts back the replaced file', async () => {
    const r = await cli(['rollback', '-i', lab.info.inventoryPath, '--run', runId]);
    expect(r.code, r.out).toBe(0);
    expect(await tree('/opt/dest')).toBe(before);
  });
});
