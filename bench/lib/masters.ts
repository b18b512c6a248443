/** End the SSH ControlPersist masters Ansible left in one ControlPath directory (theirs only, by socket). */
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';

export async function stopMasters(dir: string): Promise<void> {
  if (!dir) return;
  let socks: string[] = [];
  try {
    socks = readdirSync(dir);
  } catch {
    return;
  }
  for (const s of socks) {
    // `-O exit` asks exactly the master behind this socket to end.
    await execa('ssh', ['-o', `ControlPath=${join(dir, s)}`, '-O', 'exit', 'x'], { reject: false, timeout: 10_000 });
  }
  rmSync(dir, { recursive: true, force: true });
}
