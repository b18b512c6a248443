/**
 * Changes travel together in one script, file contents inline; a large file's content follows the
 * script on the channel's stdin (one per round trip). Both arrive byte for byte; a refused
 * validation fails the task.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { createHash, randomBytes } from 'node:crypto';
import { useLab } from '../helpers/lab.ts';
import { cli } from '../helpers/recipe.ts';

const lab = useLab({ profile: 'scale', hosts: 1 });

describe('changes batched per task', () => {
  it('small and large files arrive intact; a refused validation fails the task and writes nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pv-batch-'));
    const big = randomBytes(300 * 1024);
    writeFileSync(join(dir, 'big.bin'), big);
    writeFileSync(join(dir, 'small.txt'), 'small\n');
    writeFileSync(
      join(dir, 'site.yml'),
      [
        '- hosts: all',
        '  tasks:',
        '    - file: { path: /srv/b, state: directory }',
        '    - copy: { src: small.txt, dest: /srv/b/small.txt }',
        '    - copy: { src: big.bin, dest: /srv/b/big.bin }',
        '    - name: a file whose validation fails',
        '      copy: { content: "x\\n", dest: "/srv/b/{{ item }}", validate: "grep -qv x %s" }',
        '      loop: [one]',
        '',
      ].join('\n'),
    );
    // --keep-failed: the host stays as the failure left it (by default it would be put back), so the batch's writes can be read.
    const r = await cli(['-i', lab.info.inventoryPath, join(dir, 'site.yml'), '--json', '--keep-failed']);
    const host = lab.hosts[0]!;
    const sha = (await lab.exec(host, 'sha256sum /srv/b/big.bin | cut -c1-64; cat /srv/b/small.txt')).stdout.split('\n');
    expect(sha[0]).toBe(createHash('sha256').update(big).digest('hex'));
    expect(sha[1]).toBe('small');
    // The validator refused the last file: the run fails there, and the file was not written.
    expect(r.code).toBe(2);
    expect(r.out).toMatch(/validation failed/);
    expect((await lab.exec(host, 'test -e /srv/b/one')).code).toBe(1);
  });

  it('a secret in a written file is never in a command line on the host (inline in a batch, or alone on stdin)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pv-argv-'));
    const secret = `s3cret-${randomBytes(9).toString('hex')}`;
    writeFileSync(join(dir, 'secrets.yml'), stringify({ ajp_secret: secret }));
    // The validator runs while the batch that carries the content is alive: it records every
    // process's command line on the host at that moment (its own has no secret in it).
    const dump = "for f in /proc/[0-9]*/cmdline; do tr '\\0' ' ' <\"$f\"; echo; done >>/root/pv-cmdlines; test -s %s";
    const big = `secret=${secret}\n${'#'.repeat(40 * 1024)}\n`;
    const play = [
      {
        hosts: 'all',
        tasks: [
          { file: { path: '/srv/s', state: 'directory' } },
          { copy: { dest: '/srv/s/small.conf', content: 'secret={{ ajp_secret }}\n', mode: '0600', validate: dump } },
          { copy: { dest: '/srv/s/big.conf', content: big.replace(secret, '{{ ajp_secret }}'), mode: '0600', validate: dump } },
        ],
      },
    ];
    writeFileSync(join(dir, 'site.yml'), stringify(play));
    const host = lab.hosts[0]!;
    await lab.exec(host, 'rm -f /root/pv-cmdlines');
    const r = await cli(['-i', lab.info.inventoryPath, join(dir, 'site.yml'), '--secret-vars-file', join(dir, 'secrets.yml')]);
    expect(r.code, r.out).toBe(0);
    // lab.exec drops the last newline of the output.
    expect((await lab.exec(host, 'cat /srv/s/small.conf')).stdout).toBe(`secret=${secret}`);
    expect((await lab.exec(host, 'cat /srv/s/big.conf')).stdout).toBe(big.slice(0, -1));
    const seen = (await lab.exec(host, 'cat /root/pv-cmdlines')).stdout.split('\n');
    // Both validators saw the run's own shell (its bootstrap), and no command line held the secret.
    expect(seen.filter((l) => l.includes('provision_script=$(head -c')).length).toBeGreaterThanOrEqual(2);
    expect(seen.filter((l) => l.includes(secret))).toEqual([]);
    expect(seen.filter((l) => l.includes(Buffer.from(`secret=${secret}`).toString('base64').slice(0, 40)))).toEqual([]);
    expect(r.out).not.toContain(secret);
  });

  it('a host that fails while applying is put back where the run found it (the default), and the output says so', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pv-putback-'));
    const host = lab.hosts[0]!;
    await lab.exec(host, 'mkdir -p /srv/p && printf "old\\n" > /srv/p/kept.conf');
    const before = (await lab.exec(host, 'find /srv/p -type f | sort | xargs sha256sum')).stdout;
    writeFileSync(
      join(dir, 'site.yml'),
      [
        '- hosts: all',
        '  tasks:',
        '    - copy: { content: "new\\n", dest: /srv/p/kept.conf }',
        '    - file: { path: /srv/p/made, state: directory }',
        '    - copy: { content: "x\\n", dest: /srv/p/made/refused.conf, validate: "grep -qv x %s" }',
        '',
      ].join('\n'),
    );
    const r = await cli(['-i', lab.info.inventoryPath, join(dir, 'site.yml')]);
    expect(r.code, r.out).toBe(2);
    expect(r.out).toContain('failed: put back where this run found it');
    expect((await lab.exec(host, 'find /srv/p -type f | sort | xargs sha256sum')).stdout).toBe(before);
    expect((await lab.exec(host, 'test -e /srv/p/made')).code).toBe(1);
  });
});
