/**
 * `package` (like Ansible's): install or remove OS packages with apt, yum or dnf. With
 * `manager: auto` (default) the manager comes from the `os` fact; since fact requests cannot
 * depend on other facts, the installed state is read for every manager and the right one is used.
 */
import type { Change } from '../../core/change.ts';
import { fact, type FactRequest } from '../../facts/types.ts';
import { defineOperation } from '../types.ts';
import { fail, objectSchema } from './common.ts';
import { getFact } from './get-fact.ts';

type Manager = 'apt' | 'yum' | 'dnf';
const MANAGERS: Manager[] = ['apt', 'yum', 'dnf'];

export interface PackageArgs {
  /** One package or a list. */
  name: string | string[];
  /** Default present. */
  state?: 'present' | 'absent';
  /** Default auto: from the host's os fact. */
  manager?: 'auto' | Manager;
}

const pkgName = { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9_.+:@-]*$' };

function names(a: PackageArgs): string[] {
  return typeof a.name === 'string' ? [a.name] : a.name;
}

export const packageOp = defineOperation<PackageArgs>({
  name: 'package',
  schema: objectSchema(
    {
      name: { anyOf: [pkgName, { type: 'array', items: pkgName, minItems: 1 }] },
      state: { enum: ['present', 'absent'] },
      manager: { enum: ['auto', ...MANAGERS] },
    },
    ['name'],
  ),
  facts(a) {
    const managers = !a.manager || a.manager === 'auto' ? MANAGERS : [a.manager];
    const reqs: FactRequest[] = managers.length > 1 ? [fact.os()] : [];
    for (const m of managers) for (const n of names(a)) reqs.push(fact.package(m, n));
    return reqs;
  },
  plan(a, facts, ctx) {
    let manager: Manager;
    if (a.manager && a.manager !== 'auto') manager = a.manager;
    else {
      const os = getFact.os(facts);
      if (!os.packageManager) {
        fail(
          `no apt, yum or dnf found on ${ctx.host} (${os.id} ${os.version})`,
          'install packages another way (command), or set manager: explicitly if it is installed off the PATH',
        );
      }
      manager = os.packageManager;
    }
    const want = a.state ?? 'present';
    const changes: Change[] = [];
    const reasons: string[] = [];
    for (const n of names(a)) {
      const version = getFact.package(facts, manager, n).version;
      if (want === 'present' && version === null)
        changes.push({ kind: 'package', manager, name: n, state: 'present', summary: `install ${n} (${manager})` });
      else if (want === 'absent' && version !== null)
        changes.push({ kind: 'package', manager, name: n, state: 'absent', summary: `remove ${n} ${version} (${manager})` });
      else reasons.push(version === null ? `${n} is not installed` : `${n} ${version} is installed`);
    }
    return { changes, okMessage: reasons.join(', ') + ` (${manager})` };
  },
});
