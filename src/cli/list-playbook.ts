/**
 * `--list-hosts`, `--list-tasks`, `--list-tags` and `--syntax-check`: what ansible-playbook prints
 * for them, from the loaded playbook and inventory, without connecting anywhere.
 */
import type { Inventory } from '../inventory/types.ts';
import { selectHosts } from '../inventory/limit.ts';
import type { Playbook, Task } from '../playbook/types.ts';

/** Which listings to print. */
export interface ListWhat {
  hosts?: boolean;
  tasks?: boolean;
  tags?: boolean;
}

const inRescueOrAlways = (t: Task) => {
  for (let b = t.block; b; b = b.up) if (b.part !== 'block') return true;
  return false;
};

const tagList = (tags: Iterable<string>) => `[${[...new Set(tags)].sort().join(', ')}]`;

/** The listing text, in ansible-playbook's layout (tabs before TAGS included). */
export function listPlaybook(pb: Playbook, inv: Inventory | undefined, limit: string | undefined, what: ListWhat, shown = pb.file): string {
  const out = ['', `playbook: ${shown}`];
  pb.plays.forEach((play, i) => {
    out.push('', `  play #${i + 1} (${play.hosts}): ${play.name || play.hosts}\tTAGS: []`);
    if (what.hosts && inv) {
      let hosts: string[] = [];
      try {
        hosts = selectHosts(inv, limit, play.hosts);
      } catch {
        hosts = []; // a play whose pattern matches nothing lists no hosts, as in Ansible
      }
      out.push(`    pattern: ['${play.hosts}']`, `    hosts (${hosts.length}):`, ...hosts.map((h) => `      ${h}`));
    }
    if (what.tasks) {
      // As ansible-playbook: a block's rescue and always parts are not listed, nor the flushes it adds.
      const listed = play.tasks.filter((t) => !inRescueOrAlways(t) && !t.implicit);
      out.push('    tasks:', ...listed.map((t) => `      ${t.name}\tTAGS: ${tagList(t.tags)}`));
    }
    if (what.tags && !what.tasks) out.push(`      TASK TAGS: ${tagList(play.tasks.flatMap((t) => t.tags))}`);
  });
  return out.join('\n');
}
