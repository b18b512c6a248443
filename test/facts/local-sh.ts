/** A Transport that runs scripts with this machine's sh: snippets and parsers meet real coreutils, no SSH. */
import { spawnSync } from 'node:child_process';
import type { Transport } from '../../src/transport/types.ts';

export function localSh(shell = 'sh', env: NodeJS.ProcessEnv = process.env): Transport & { scripts: string[] } {
  const scripts: string[] = [];
  const t = {
    scripts,
    stats: { roundTrips: 0, connections: 1 },
    async exec(script: string) {
      scripts.push(script);
      t.stats.roundTrips += 1;
      const r = spawnSync(shell, ['-c', script], { encoding: 'utf8', env });
      return { code: r.status ?? 255, stdout: r.stdout, stderr: r.stderr };
    },
  };
  return t as unknown as Transport & { scripts: string[] };
}
