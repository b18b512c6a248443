/**
 * Ansible's module names (short and FQCN) as provision's operations, and the Ansible task
 * keywords provision does not run yet, each with what to write instead. Read by the loader, so an
 * Ansible playbook either loads unchanged or is refused at the task's file:line before any change.
 */

/** Operations whose Ansible module has the same name and arguments. */
const SAME = ['copy', 'template', 'lineinfile', 'blockinfile', 'replace', 'file', 'command', 'shell', 'service', 'package', 'debug'];

/** Ansible module name (as written in a task) → provision operation. */
export const MODULE_ALIASES: Record<string, string> = {
  ...Object.fromEntries(SAME.map((m) => [`ansible.builtin.${m}`, m])),
  ...Object.fromEntries(['assert', 'fail', 'set_fact', 'stat', 'wait_for', 'uri', 'unarchive'].map((m) => [`ansible.builtin.${m}`, m])),
  'ansible.legacy.shell': 'shell',
  'ansible.legacy.command': 'command',
  'ansible.builtin.systemd': 'service',
  'ansible.builtin.systemd_service': 'service',
  systemd: 'service',
  systemd_service: 'service',
  'ansible.builtin.yum': 'package',
  'ansible.builtin.dnf': 'package',
  'ansible.builtin.apt': 'package',
  yum: 'package',
  dnf: 'package',
  apt: 'package',
  'community.general.xml': 'xml',
  'ansible.posix.firewalld': 'firewall',
  firewalld: 'firewall',
};

/** Ansible task keywords provision refuses (at load, with file:line), and what to use instead. */
export const UNSUPPORTED_TASK_KEYWORDS: Record<string, string> = {
  import_playbook: 'write `- import_playbook: file.yml` as an entry of the playbook, beside its plays (not inside `tasks:`)',
  delegate_to: 'put the task in a play for that host (delegate_to is not supported)',
  run_once: 'put the task in a play for one host (run_once is not supported)',
  local_action: 'run local steps before provision (local_action is not supported)',
  async: 'tasks run to completion (async is not supported)',
  poll: 'tasks run to completion (async/poll are not supported)',
  environment: 'set variables in the command itself, e.g. `shell: FOO=1 cmd` (environment is not supported)',
  become_method: 'set `ansible_become_method` in the inventory',
  check_mode: 'use `--check` for the whole run',
  diff: 'use `--diff` for the whole run',
  delegate_facts: 'delegate_to is not supported',
  with_items: 'write `loop:` (with_* loops are not supported)',
  with_dict: 'write `loop: "{{ d | dict2items }}"`',
  with_nested: 'write `loop: "{{ a | product(b) | list }}"`',
  with_fileglob: 'list the files in `loop:`',
  with_sequence: 'list the items in `loop:`',
  with_together: 'write `loop: "{{ a | zip(b) | list }}"`',
  with_subelements: 'write the pairs in `loop:`',
  any_errors_fatal: 'use `max_fail_percentage: 0` on the play',
};

/** Play keywords of Ansible that provision refuses, with what to use instead. */
export const UNSUPPORTED_PLAY_KEYWORDS: Record<string, string> = {
  strategy: 'provision runs Ansible’s linear strategy; `serial` batches hosts',
  environment: 'set variables in the commands themselves (environment is not supported)',
  vars_prompt: 'give the values with --extra-vars (vars_prompt is not supported)',
  any_errors_fatal: 'use `max_fail_percentage: 0`',
  become_user: 'use `become: true`; `service` takes `user:` for commands run as another user',
};

/** A module name that looks like Ansible's (FQCN) but has no provision operation: the hint says so. */
export function unsupportedModuleHint(name: string, known: string[]): string | undefined {
  if (!/^[a-z_]+\.[a-z_]+\.[a-z_]+$/.test(name)) return undefined;
  return `the Ansible module \`${name}\` is not supported; provision runs: ${known.join(', ')} (see docs/ansible.md)`;
}

/** The `ansible_*` facts provision gathers (facts/ansible-facts.ts): a task that reads one waits for the gather. */
const FACT_NAMES =
  'facts|distribution(?:_major_version|_version)?|os_family|hostname|fqdn|nodename|default_ipv4|architecture|kernel|system';
export const FACT_VARS = new RegExp(`(?<![\\w.])(ansible_(?:${FACT_NAMES}))(?!\\w)`, 'g');
