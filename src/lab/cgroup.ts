/**
 * The cgroups of systemd lab hosts: one directory per host in the machine's unified (v2)
 * hierarchy, wherever it is mounted (`/sys/fs/cgroup` on a pure-v2 machine, `/sys/fs/cgroup/unified`
 * on a hybrid one). A host's cgroup namespace is rooted there, so its systemd sees only its own tree.
 */
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rmdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ProvisionError } from '../core/errors.ts';

/** Mount point of the machine's cgroup2 hierarchy (from /proc/self/mountinfo). */
export async function unifiedMount(): Promise<string> {
  const info = await readFile('/proc/self/mountinfo', 'utf8');
  for (const line of info.split('\n')) {
    const [left, right] = line.split(' - ');
    if (right?.split(' ')[0] === 'cgroup2') return left?.split(' ')[4] ?? '';
  }
  throw new ProvisionError('no cgroup2 (unified) hierarchy is mounted on this machine', {
    hint: 'systemd lab hosts need cgroup v2: boot with systemd.unified_cgroup_hierarchy=1, or use --init tini',
  });
}

/** The unified-hierarchy cgroup directory this process is in (`0::/path` of /proc/self/cgroup). */
export async function ownCgroup(mount: string): Promise<string> {
  const line = (await readFile('/proc/self/cgroup', 'utf8')).split('\n').find((l) => l.startsWith('0::'));
  return join(mount, line?.slice(3) ?? '/');
}

/** The directory of lab `lab`'s hosts. */
export function labCgroupDir(mount: string, lab: string): string {
  return join(mount, 'provision-lab', lab);
}

export async function makeCgroup(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
}

/** Every directory at and below `dir`, deepest first. */
async function treeDeepestFirst(dir: string): Promise<string[]> {
  const out: string[] = [];
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  for (const e of entries) if (e.isDirectory()) out.push(...(await treeDeepestFirst(join(dir, e.name))));
  out.push(dir);
  return out;
}

/** PIDs in `dir` and below (as this namespace sees them). */
export async function cgroupPids(dir: string): Promise<number[]> {
  const pids: number[] = [];
  for (const d of await treeDeepestFirst(dir)) {
    const text = await readFile(join(d, 'cgroup.procs'), 'utf8').catch(() => '');
    pids.push(...text.split('\n').filter(Boolean).map(Number));
  }
  return pids;
}

/**
 * Remove `dir` and everything below it, deepest first (a cgroup directory goes only once it is
 * empty of processes and children). Kills what is still inside first (`cgroup.kill`). True when gone.
 */
export async function removeCgroup(dir: string): Promise<boolean> {
  if (!existsSync(dir)) return true;
  if ((await cgroupPids(dir)).length > 0) {
    await writeFile(join(dir, 'cgroup.kill'), '1').catch(() => {});
    for (let i = 0; i < 100 && (await cgroupPids(dir)).length > 0; i++) await new Promise((r) => setTimeout(r, 50));
  }
  for (const d of await treeDeepestFirst(dir)) await rmdir(d).catch(() => {});
  return !existsSync(dir);
}
