/**
 * `lineinfile` (like Ansible's): make sure one line is present (replacing the line a regexp
 * matches) or absent. The edit is computed on the file's content from the `file` fact.
 */
import { fact } from '../../facts/types.ts';
import { defineOperation } from '../types.ts';
import { absPath, attrProps, fail, objectSchema, parseAttrs, type AttrArgs } from './common.ts';
import { validateSchema } from './copy.ts';
import { currentText } from '../kit.ts';
import { planWrite } from './file-write.ts';
import { getFact } from './get-fact.ts';
import { editLines, type LineEdit } from './lineinfile-edit.ts';

export interface LineinfileArgs extends LineEdit, AttrArgs {
  /** Absolute path of the file on the host. */
  path: string;
  /** Create the file when it is missing (state: present). Default false. */
  create?: boolean;
  /** Validator run on the temp file before it replaces `path`; `%s` is its path. */
  validate?: string;
}

const str = { type: 'string' };

export const lineinfileOp = defineOperation<LineinfileArgs>({
  name: 'lineinfile',
  schema: objectSchema(
    {
      path: absPath,
      line: str,
      regexp: str,
      search_string: str,
      state: { enum: ['present', 'absent'] },
      insertafter: str,
      insertbefore: str,
      firstmatch: { type: 'boolean' },
      backrefs: { type: 'boolean' },
      create: { type: 'boolean' },
      validate: validateSchema,
      ...attrProps,
    },
    ['path'],
    {
      allOf: [
        {
          if: { properties: { state: { const: 'absent' } }, required: ['state'] },
          then: {
            anyOf: [{ required: ['line'] }, { required: ['regexp'] }, { required: ['search_string'] }],
            description: 'state: absent needs line, regexp or search_string',
          },
          else: { required: ['line'] },
        },
        { not: { required: ['insertafter', 'insertbefore'] }, description: 'insertafter and insertbefore exclude each other' },
        { not: { required: ['regexp', 'search_string'] }, description: 'regexp and search_string exclude each other' },
        { if: { required: ['backrefs'], properties: { backrefs: { const: true } } }, then: { required: ['regexp'] } },
      ],
    },
  ),
  facts(a) {
    return [fact.file(a.path, true)];
  },
  plan(a, facts) {
    const f = getFact.file(facts, a.path, true);
    const text = currentText(f, a.path);
    const absent = a.state === 'absent';
    if (text === null && absent) return { changes: [], okMessage: `${a.path} does not exist: no line to remove` };
    if (text === null && !a.create) {
      fail(`${a.path} does not exist`, 'add create: true to create it, or create it in an earlier task');
    }
    const r = editLines(text ?? '', a);
    const okReason = `${a.path}: ${r.msg}`;
    return planWrite(
      {
        path: a.path,
        content: Buffer.from(r.text, 'utf8'),
        attrs: parseAttrs(a),
        what: `lineinfile: ${r.msg}`,
        okReason,
        ...(a.validate ? { validate: a.validate } : {}),
      },
      f,
    );
  },
});
