/**
 * `stat` (like Ansible's, for `register:`): what is at a path, from the `file` fact gathered with
 * everything else. Never changes anything; `result.stat` has Ansible's common fields.
 */
import { fact } from '../../facts/types.ts';
import { defineOperation } from '../types.ts';
import { absPath } from './common.ts';
import { getFact } from './get-fact.ts';

export const statOp = defineOperation<{ path: string; get_checksum?: boolean; checksum_algorithm?: 'sha256' }>({
  name: 'stat',
  schema: {
    type: 'object',
    properties: { path: absPath, get_checksum: { type: 'boolean' }, checksum_algorithm: { const: 'sha256' }, follow: { type: 'boolean' } },
    required: ['path'],
    additionalProperties: false,
    description: 'checksums are sha256',
  },
  facts: (a) => [fact.file(a.path)],
  plan(a, facts) {
    const f = getFact.file(facts, a.path);
    const stat = f.exists
      ? {
          exists: true,
          path: a.path,
          isdir: f.type === 'directory',
          isreg: f.type === 'file',
          islnk: f.type === 'link',
          mode: f.mode === null ? null : f.mode.toString(8).padStart(4, '0'),
          pw_name: f.owner,
          gr_name: f.group,
          size: f.size,
          ...(f.sha256 && a.get_checksum !== false ? { checksum: f.sha256 } : {}),
        }
      : { exists: false };
    return { changes: [], okMessage: f.exists ? `${a.path} is a ${f.type}` : `${a.path} does not exist`, result: { stat } };
  },
});
