/**
 * The example inventories stay true: each loads, and every task of the recipe renders for every
 * host (arguments valid for their operations) before anything connects.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConnectError } from '../src/core/errors.ts';
import { loadOperations } from '../src/ops/registry.ts';
import { RunEmitter } from '../src/runner/events.ts';
import { runPlaybook } from '../src/runner/run.ts';

const ROOT = join(import.meta.dirname, '..');

describe('example inventories with the recipe playbook', () => {
  for (const file of ['inventory/hosts.yml', 'inventory/multi-host.yml']) {
    it(`${file}: every task renders for every host; connecting is the first thing that fails`, async () => {
      const opened: string[] = [];
      const summary = await runPlaybook({
        inventory: join(ROOT, file),
        playbook: join(ROOT, 'playbooks/tomcat-cluster.yml'),
        ops: await loadOperations(),
        emitter: new RunEmitter(),
        // No network in this test: record who would be connected to, and refuse.
        open: async (spec) => {
          opened.push(`${spec.user}@${spec.host}:${spec.port}`);
          throw new ConnectError(`not connecting to ${spec.host} in this test`);
        },
      });
      expect(summary.exitCode).toBe(3);
      expect(opened.length).toBe(file.includes('multi') ? 3 : 1);
      expect(opened.every((o) => o.startsWith('root@192.168.56.'))).toBe(true);
    });
  }
});
