/**
 * `blockinfile` (like Ansible's): keep a block of lines between two marker lines, idempotently.
 */
import { fact } from '../../facts/types.ts';
import { defineOperation } from '../types.ts';
import { absPath, attrProps, fail, objectSchema, parseAttrs, type AttrArgs } from './common.ts';
import { validateSchema } from './copy.ts';
import { editBlock, type BlockEdit } from './blockinfile-edit.ts';
import { currentText } from '../kit.ts';
import { planWrite } from './file-write.ts';
import { getFact } from './get-fact.ts';

export interface BlockinfileArgs extends BlockEdit, AttrArgs {
  /** Absolute path of the file on the host. */
  path: string;
  /** Create the file when it is missing (state: present). Default false. */
  create?: boolean;
  /** Validator run on the temp file before it replaces `path`; `%s` is its path. */
  validate?: string;
}

const str = { type: 'string' };

export const blockinfileOp = defineOperation<BlockinfileArgs>({
  name: 'blockinfile',
  schema: objectSchema(
    {
      path: absPath,
      block: str,
      marker: { type: 'string', pattern: '\\{mark\\}' },
      marker_begin: { type: 'string', minLength: 1 },
      marker_end: { type: 'string', minLength: 1 },
      state: { enum: ['present', 'absent'] },
      insertafter: str,
      insertbefore: str,
      create: { type: 'boolean' },
      validate: validateSchema,
      ...attrProps,
    },
    ['path'],
    { not: { required: ['insertafter', 'insertbefore'] }, description: 'insertafter and insertbefore exclude each other' },
  ),
  facts(a) {
    return [fact.file(a.path, true)];
  },
  plan(a, facts) {
    const f = getFact.file(facts, a.path, true);
    const text = currentText(f, a.path);
    const removing = a.state === 'absent' || !a.block;
    if (text === null && removing) return { changes: [], okMessage: `${a.path} does not exist: no block to remove` };
    if (text === null && !a.create) fail(`${a.path} does not exist`, 'add create: true to create it, or create it in an earlier task');
    const r = editBlock(text ?? '', a);
    return planWrite(
      {
        path: a.path,
        content: Buffer.from(r.text, 'utf8'),
        attrs: parseAttrs(a),
        what: `blockinfile: ${r.msg}`,
        okReason: `${a.path}: ${r.msg}`,
        ...(a.validate ? { validate: a.validate } : {}),
      },
      f,
    );
  },
});
