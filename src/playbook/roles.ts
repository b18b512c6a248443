/**
 * Ansible roles on disk: where a role is found (`roles/` beside the playbook, then `roles_path`
 * from ansible.cfg / ANSIBLE_ROLES_PATH, then the playbook's own directory, as Ansible looks) and
 * what a role entry says (`- tomcat`, `- role: tomcat` with `vars:`, `when:`, `tags:` and
 * parameters). Reading its files into tasks is load-tasks.ts's.
 */
import { existsSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import type { SourcePos } from '../core/errors.ts';
import { playbookError } from './yaml-file.ts';

/** Ansible's roles_path when ansible.cfg and ANSIBLE_ROLES_PATH set none. */
export const DEFAULT_ROLES_PATH = [join(homedir(), '.ansible/roles'), '/usr/share/ansible/roles', '/etc/ansible/roles'];

/** Keys of a role entry that are not role parameters (Ansible's role keywords provision reads). */
const ENTRY_KEYS = ['role', 'name', 'vars', 'when', 'tags', 'become', 'become_user'];
/** Role keywords Ansible has and provision refuses on a role entry. */
const REFUSED_ENTRY_KEYS = ['delegate_to', 'environment', 'ignore_errors', 'any_errors_fatal', 'no_log'];

/** A role as a play, an import or a meta dependency names it. */
export interface RoleEntry {
  name: string;
  vars: Record<string, unknown>;
  /** Inline parameters (`- role: x` with `port: 8080`): above registered variables, below extra vars. */
  params: Record<string, unknown>;
  when?: unknown;
  tags: string[];
  /** `become`/`become_user` on the entry: given to each task of the role, as on a block. */
  become?: { become?: boolean; user?: string };
}

const isDir = (p: string) => existsSync(p) && statSync(p).isDirectory();

/** The directories searched for a role named `name`, in order. */
export function roleSearchDirs(baseDir: string, rolesPath: string[], from?: string): string[] {
  // A dependency is also looked for beside the role that names it (`roles/` holding both).
  return [...new Set([join(baseDir, 'roles'), ...(from ? [resolve(from, '..')] : []), ...rolesPath, baseDir])];
}

/** The directory of a role, or an error at `pos` naming every path searched. */
export function findRole(name: string, pos: SourcePos, dirs: string[], baseDir: string): string {
  if (/^[\w-]+\.[\w-]+\.[\w-]+$/.test(name))
    throw playbookError(
      pos,
      `role \`${name}\` is a collection role, which provision does not install or read`,
      'copy the role into roles/ beside the playbook and name it by its directory',
    );
  if (name.includes('/')) {
    const p = isAbsolute(name) ? name : resolve(baseDir, name);
    if (isDir(p)) return p;
    throw playbookError(pos, `role \`${name}\` not found: ${p} is not a directory`, 'give the path of the role directory');
  }
  const found = dirs.map((d) => join(d, name)).find(isDir);
  if (found) return found;
  throw playbookError(
    pos,
    `role \`${name}\` not found; looked in: ${dirs.map((d) => join(d, name)).join(', ')}`,
    'put the role in roles/ beside the playbook, or add its parent directory to roles_path (ansible.cfg) or ANSIBLE_ROLES_PATH',
  );
}

/** `<role>/<sub>/<file>` (main.yml, main.yaml or main; `from` as tasks_from gives), or undefined when absent. */
export function roleFile(dir: string, sub: string, from = 'main'): string | undefined {
  const base = join(dir, sub, from);
  return [base, `${base}.yml`, `${base}.yaml`].find((f) => existsSync(f) && statSync(f).isFile());
}

/** A role entry (a name, or a mapping with `role:`/`name:`), or an error at `pos`. */
export function roleEntry(raw: unknown, pos: SourcePos, what: string): RoleEntry {
  if (typeof raw === 'string') return { name: raw, vars: {}, params: {}, tags: [] };
  if (!raw || typeof raw !== 'object' || Array.isArray(raw))
    throw playbookError(pos, `each entry of \`${what}\` must be a role name or a mapping with \`role:\``, 'e.g. `- role: tomcat`');
  const r = raw as Record<string, unknown>;
  const name = r.role ?? r.name;
  if (typeof name !== 'string' || !name)
    throw playbookError(pos, `a role entry of \`${what}\` needs \`role:\` (the role's name)`, 'e.g. `- role: tomcat`');
  const refused = Object.keys(r).find((k) => REFUSED_ENTRY_KEYS.includes(k));
  if (refused)
    throw playbookError(
      pos,
      `\`${refused}\` on a role entry is not supported`,
      'set it on the play, or on the tasks of the role that need it',
    );
  if (r.vars !== undefined && (typeof r.vars !== 'object' || r.vars === null || Array.isArray(r.vars)))
    throw playbookError(pos, "a role entry's `vars` must be a mapping", 'e.g. `vars: { tomcat_port: 8080 }`');
  const params = Object.fromEntries(Object.entries(r).filter(([k]) => !ENTRY_KEYS.includes(k)));
  const tags = r.tags === undefined ? [] : (Array.isArray(r.tags) ? r.tags : [r.tags]).map(String);
  const become = {
    ...(r.become !== undefined ? { become: r.become as boolean } : {}),
    ...(r.become_user !== undefined ? { user: r.become_user as string } : {}),
  };
  return {
    name,
    vars: (r.vars as Record<string, unknown>) ?? {},
    params,
    ...(r.when !== undefined ? { when: r.when } : {}),
    tags,
    ...(Object.keys(become).length ? { become } : {}),
  };
}
