/** `provision lab up|down|status`: the lab's commands, wired into the main CLI by src/cli; each loads its code when it runs. */
import { Command, InvalidArgumentError, Option } from 'commander';
import type { LabOptions } from './types.ts';

/** The lab's options as commander parses them, plus --json. */
type Flags = Omit<LabOptions, 'log'> & { json?: boolean };

function count(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('give a whole number ≥ 1');
  return n;
}

/** Options every lab subcommand takes: they identify the lab. */
function addCommon(cmd: Command): Command {
  return cmd
    .option('--name <name>', 'lab name (selects the lab directory)', 'default')
    .option('--dir <path>', 'lab directory (default <repo>/.lab/<name>)')
    .option('--prefix <prefix>', 'prefix of host, netns and link names', 'pv')
    .option('--bridge <name>', 'bridge name (default <prefix>br0)')
    .option('--subnet <cidr>', 'a /24 private to the bridge', '10.177.77.0/24');
}

function toOptions({ json, ...options }: Flags): LabOptions {
  return { ...options, log: json ? () => {} : (line) => console.log(line) };
}

export function labCommand(): Command {
  const lab = new Command('lab').description('throwaway CentOS-7-like hosts in network namespaces (root, Linux)');
  addCommon(lab.command('up').description('bring the lab up (safe to repeat)'))
    .addOption(new Option('--profile <profile>', 'which hosts to make').choices(['recipe', 'multi', 'scale']).default('recipe'))
    .addOption(new Option('--init <init>', 'PID 1 of each host (default tini; systemd for --layout rhel)').choices(['tini', 'systemd']))
    .addOption(
      new Option('--layout <layout>', 'Apache/Tomcat layout: source build or CentOS packages')
        .choices(['source', 'rhel'])
        .default('source'),
    )
    .option('--hosts <n>', 'number of hosts (recipe 1, multi 3, scale 30)', count)
    .option('--no-services', 'do not start Apache and Tomcat (firewalld and sshd still run)')
    .option('--json', 'print the lab info as JSON')
    .action(async (f: Flags) => {
      const { labUp } = await import('./up.ts');
      const info = await labUp(toOptions(f));
      if (f.json) console.log(JSON.stringify(info, null, 2));
    });
  addCommon(lab.command('down').description('end every process of the lab and remove all it made')).action(async (f: Flags) => {
    const { labDown } = await import('./down.ts');
    await labDown(toOptions(f));
  });
  addCommon(lab.command('status').description('show whether the lab runs, host by host'))
    .option('--json', 'print the status as JSON')
    .action(async (f: Flags) => {
      const { labStatus } = await import('./status.ts');
      const st = await labStatus(toOptions(f));
      if (f.json) {
        console.log(JSON.stringify(st, null, 2));
      } else if (!st.info) {
        console.log(`lab "${f.name}" is not up`);
      } else {
        console.log(`lab "${f.name}" is ${st.up ? 'up' : 'broken'} (${st.info.dir})`);
        for (const h of st.hosts) console.log(`  ${h.name.padEnd(16)} ${h.ip.padEnd(15)} ${h.running ? 'running' : 'NOT running'}`);
        for (const p of st.problems) console.log(`  problem: ${p}`);
      }
      if (!st.up) process.exitCode = 1;
    });
  return lab;
}
