/**
 * A task's changes travel together in one round trip, file contents inline; a large file goes
 * alone on the channel's stdin. Both arrive byte for byte; a refused validation fails the task.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
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
    const r = await cli(['-i', lab.info.inventoryPath, join(dir, 'site.yml'), '--json']);
    const host = lab.hosts[0]!;
    const sha = (await lab.exec(host, 'sha256sum /srv/b/big.bin | cut -c1-64; cat /srv/b/small.txt')).stdout.split('\n');
    expect(sha[0]).toBe(createHash('sha256').update(big).digest('hex'));
    expect(sha[1]).toBe('small');
    // The validator refused the last file: the run fails there, and the file was not written.
    expect(r.code).toBe(2);
    expect(r.out).toMatch(/validation failed/);
    expect((await lab.exec(host, 'test -e /srv/b/one')).code).toBe(1);
  });
});
