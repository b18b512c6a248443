/** The Vagrantfile is valid for both topologies and both box families (`vagrant validate`, no provider needed). */
import { join } from 'node:path';
import { execa } from 'execa';
import { expect, it } from 'vitest';

it('vagrant validate passes for the recipe and multi topologies, centos/7 and rockylinux/9', async () => {
  const r = await execa('sh', [join(import.meta.dirname, '../../vagrant/validate.sh')], { reject: false, timeout: 240_000 });
  expect(r.exitCode, `${r.stdout}\n${r.stderr}`).toBe(0);
  expect(String(r.stdout).match(/Vagrantfile validated successfully/g)).toHaveLength(4);
}, 300_000);
