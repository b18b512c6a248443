/** `provision inventory`: what was understood of the inventory, in ansible-inventory's shapes (`--list`, `--graph`, `--host`). */
import { Command } from 'commander';
import { UsageError } from '../core/errors.ts';
import { addInventoryFlags, resolveCli, type AnsibleFlags } from './ansible-flags.ts';

interface InventoryFlags extends AnsibleFlags {
  list?: boolean;
  graph?: string | boolean;
  host?: string;
  playbookDir?: string;
}

export function inventoryCommand(): Command {
  return addInventoryFlags(
    new Command('inventory').description(
      'show the inventory as provision reads it, in the shapes of ansible-inventory: ' +
        '--list (JSON, the default), --graph, --host; secret values are masked',
    ),
  )
    .option('--list', 'every group and host, with each host’s merged variables (ansible-inventory --list JSON)')
    .option('--graph [group]', 'the group tree (of `all`, or of one group)')
    .option('--host <name>', 'one host’s merged variables (JSON)')
    .option('--playbook-dir <dir>', 'also read group_vars/ and host_vars/ beside this playbook directory')
    .action(async (f: InventoryFlags) => {
      // Loaded when the command runs, not for --help (see main.ts).
      const [{ loadInventory }, { secretValues }, { inventoryGraph, inventoryList }] = await Promise.all([
        import('../inventory/load.ts'),
        import('../inventory/secrets.ts'),
        import('../inventory/show.ts'),
      ]);
      const cli = await resolveCli(f);
      const inv = await loadInventory(cli.inventory, { vault: cli.vault, ...(f.playbookDir ? { playbookDir: f.playbookDir } : {}) });
      const secrets = secretValues(inv);
      if (f.graph !== undefined) {
        const group = typeof f.graph === 'string' ? f.graph : 'all';
        if (!inv.groups.has(group))
          throw new UsageError(`--graph ${group}: no such group`, { hint: `groups: ${[...inv.groups.keys()].join(', ')}` });
        process.stdout.write(`${inventoryGraph(inv, group)}\n`);
        return;
      }
      const doc = inventoryList(inv, secrets) as { _meta: { hostvars: Record<string, unknown> } };
      if (f.host !== undefined) {
        if (!inv.hosts.has(f.host))
          throw new UsageError(`--host ${f.host}: no such host in the inventory`, { hint: 'see `provision inventory --graph`' });
        process.stdout.write(`${JSON.stringify(doc._meta.hostvars[f.host] ?? {}, null, 4)}\n`);
        return;
      }
      process.stdout.write(`${JSON.stringify(doc, null, 4)}\n`);
    });
}
