/**
 * `npx tsx bench/floor.ts --lab <name> [--host <h>] [--reps 10]`: the floor table alone, on a lab
 * that is already up (no lab up/down, no Ansible): OpenSSH against provision's in-process transport,
 * fresh and on an open connection, and the firewall fact. Prints medians (min–max) and the load average.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { labStatus } from '../src/lab/index.ts';
import { measureFloor } from './lib/floor.ts';
import { WORK } from './lib/labs.ts';
import { fmtMs } from './lib/stats.ts';

const { values: opt } = parseArgs({
  options: { lab: { type: 'string', default: 'default' }, host: { type: 'string' }, reps: { type: 'string', default: '10' } },
});
const st = await labStatus({ name: opt.lab! });
if (!st.up || !st.info) throw new Error(`lab ${opt.lab} is not up: ${st.problems.join('; ')}`);
const info = st.info;
const host = opt.host ?? info.hosts[0]!.name;
mkdirSync(WORK, { recursive: true }); // the OpenSSH master's socket goes there
const load = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
console.log(`floor on ${host} of lab ${opt.lab}, ${opt.reps} reps; load at start ${load()}`);
const f = await measureFloor(info, host, Math.min(50, Number(opt.reps)));
console.log(`fresh connection + one command:    OpenSSH ${fmtMs(f.sshFresh)}   provision ${fmtMs(f.transportFresh)}`);
console.log(`one command on an open connection: OpenSSH ${fmtMs(f.sshMux)}   provision ${fmtMs(f.transportExec)}`);
console.log(`firewall fact on an open connection: ${fmtMs(f.firewallFact)}`);
console.log(`load at end ${load()}`);
