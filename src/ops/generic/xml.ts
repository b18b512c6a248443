/**
 * `xml` (like community.general.xml): edit one XML file on the host as XML, keeping its comments
 * and formatting, so the diff shows only what changed. Idempotent: a second run finds nothing to do.
 */
import { fact } from '../../facts/types.ts';
import { findAll, parseXml } from '../../xml/index.ts';
import { defineOperation } from '../types.ts';
import { absPath, attrProps, fail, objectSchema, parseAttrs, type AttrArgs } from './common.ts';
import { currentText } from '../kit.ts';
import { planWrite } from './file-write.ts';
import { getFact } from './get-fact.ts';
import { addChildren, ensureElement, removeAttr, removeElement, setAttr, setChildren, setText, steps, type ChildSpec } from './xml-edit.ts';

export interface XmlArgs extends AttrArgs {
  /** Absolute path of the XML file on the host. */
  path: string;
  /** `/Server/Service/Connector[@protocol="AJP/1.3"]`: names and `[@attr="value"]` predicates. */
  xpath: string;
  /** Attribute to set (with `value`) or remove (state: absent). */
  attribute?: string;
  /** The attribute's value, or without `attribute` the element's text. */
  value?: string | number | boolean;
  /** present (default): make it so, creating a simply-named missing element; absent: remove the element or attribute. */
  state?: 'present' | 'absent';
  /** Children to ensure under every match: a name, {name: {attr: value}} or XML text. */
  add_children?: ChildSpec[];
  /** The exact children of every match, in order (replacing the ones there); `[]` removes them all. */
  set_children?: ChildSpec[];
  /** Only count the matches (for `register:`: `result.count`); changes nothing. */
  count?: boolean;
  /** How string children of add_children are read: xml (default here) or yaml (a name). */
  input_type?: 'xml' | 'yaml';
}

const scalar = { anyOf: [{ type: 'string' }, { type: 'number' }, { type: 'boolean' }] };
/** A child of add_children/set_children: a name, XML text, or `{name: {attr: value}}`. */
const children = {
  anyOf: [
    { type: 'string', minLength: 1 },
    {
      type: 'object',
      minProperties: 1,
      maxProperties: 1,
      additionalProperties: { anyOf: [{ type: 'object', additionalProperties: scalar }, { type: 'null' }] },
    },
  ],
};

export const xmlOp = defineOperation<XmlArgs>({
  name: 'xml',
  schema: objectSchema(
    {
      path: absPath,
      xpath: { type: 'string', minLength: 1 },
      attribute: { type: 'string', pattern: '^[A-Za-z_][\\w.:-]*$' },
      value: scalar,
      state: { enum: ['present', 'absent'] },
      add_children: { type: 'array', minItems: 1, items: children },
      set_children: { type: 'array', items: children },
      count: { type: 'boolean' },
      input_type: { enum: ['xml', 'yaml'] },
      ...attrProps,
    },
    ['path', 'xpath'],
    {
      allOf: [
        {
          if: { required: ['state'], properties: { state: { const: 'absent' } } },
          then: { not: { anyOf: [{ required: ['value'] }, { required: ['add_children'] }, { required: ['set_children'] }] } },
          else: { dependencies: { attribute: ['value'] } },
        },
        {
          not: {
            anyOf: [
              { required: ['value', 'add_children'] },
              { required: ['value', 'set_children'] },
              { required: ['add_children', 'set_children'] },
            ],
          },
          description: 'value, add_children and set_children exclude each other; state: absent takes none of them',
        },
      ],
    },
  ),
  facts(a) {
    return [fact.file(a.path, true)];
  },
  plan(a, facts) {
    const f = getFact.file(facts, a.path, true);
    const text = currentText(f, a.path);
    if (text === null) fail(`${a.path} does not exist`, 'the xml operation edits an existing file; create it first (copy or template)');
    const doc = parseXml(text, a.path);
    const { path } = steps(a.xpath);
    if (a.count) {
      const n = findAll(doc, path).length;
      return { changes: [], okMessage: `${a.path}: ${n} element(s) match ${a.xpath}`, result: { count: n } };
    }
    const did: string[] = [];
    const why: string[] = [];
    if (a.state === 'absent') {
      const els = findAll(doc, path);
      if (a.attribute) {
        const name = a.attribute;
        const having = els.filter((e) => e.attr(name) !== undefined);
        having.forEach((e) => removeAttr(e, name));
        (having.length ? did : why).push(having.length ? `removed ${name} from ${having.length} element(s)` : `no ${a.xpath} has ${name}`);
      } else {
        // Later siblings' handles shift after a removal, so remove from the last match backwards.
        for (const e of [...els].reverse()) removeElement(e);
        (els.length ? did : why).push(els.length ? `removed ${els.length} element(s)` : `${a.xpath} is absent`);
      }
    } else {
      const { els, created } = ensureElement(doc, a.xpath);
      if (created) did.push(`created ${a.xpath}`);
      for (const e of els) {
        if (a.attribute !== undefined) {
          const v = String(a.value);
          if (e.attr(a.attribute) === v) continue;
          setAttr(e, a.attribute, v);
          did.push(`set ${a.attribute}="${v}"`);
        } else if (a.value !== undefined && setText(e, String(a.value))) did.push(`set text to "${String(a.value)}"`);
      }
      if (a.add_children) for (const e of findAll(doc, path)) did.push(...addChildren(e, a.add_children).map((c) => `added ${c}`));
      if (a.set_children) for (const e of findAll(doc, path)) did.push(...setChildren(e, a.set_children));
      if (!did.length) {
        why.push(
          a.attribute !== undefined
            ? `${a.xpath} has ${a.attribute}="${String(a.value)}"`
            : a.value !== undefined
              ? `${a.xpath} has text "${String(a.value)}"`
              : a.add_children || a.set_children
                ? `${a.xpath} has its children`
                : `${a.xpath} exists`,
        );
      }
    }
    const summary = [...new Set(did)].join(', ');
    return planWrite(
      {
        path: a.path,
        content: Buffer.from(doc.serialize(), 'utf8'),
        attrs: parseAttrs(a),
        what: `xml ${a.xpath}: ${summary || 'unchanged'}`,
        okReason: `${a.path}: ${why.join(', ')}`,
      },
      f,
    );
  },
});
