/**
 * `template` (like Ansible's): render a local Jinja2-style template with the host's variables and
 * write the result like `copy` does.
 */
import { fact } from '../../facts/types.ts';
import { defineOperation } from '../types.ts';
import { absPath, attrProps, objectSchema, parseAttrs, type AttrArgs } from './common.ts';
import { localPath, readLocal, validateSchema } from './copy.ts';
import { planWrite } from './file-write.ts';
import { getFact } from './get-fact.ts';
import { renderTemplate } from './render.ts';

export interface TemplateArgs extends AttrArgs {
  /** Local template file: in the role's templates/, or relative to the playbook's directory (or its templates/). */
  src: string;
  /** Absolute path on the host. */
  dest: string;
  /** Command run on the uploaded temp file before it replaces `dest`; `%s` is its path. */
  validate?: string;
}

export const templateOp = defineOperation<TemplateArgs>({
  name: 'template',
  schema: objectSchema({ src: { type: 'string', minLength: 1 }, dest: absPath, validate: validateSchema, ...attrProps }, ['src', 'dest']),
  facts(a) {
    // Rendered templates are text: read the host's copy so --diff can show what changes.
    return [fact.file(a.dest, true)];
  },
  plan(a, facts, ctx) {
    const source = readLocal(a.src, ctx, 'template', 'templates').toString('utf8');
    const text = renderTemplate(source, localPath(a.src, ctx, 'templates'), a.src, ctx);
    const f = getFact.file(facts, a.dest, true);
    return planWrite(
      {
        path: a.dest,
        content: Buffer.from(text, 'utf8'),
        attrs: parseAttrs(a),
        what: `template ${a.src}`,
        ...(a.validate ? { validate: a.validate } : {}),
      },
      f,
    );
  },
});
