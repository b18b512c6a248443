/**
 * YAML 1.1 scalars as PyYAML (Ansible's loader) resolves them, over the `yaml` library's 1.1
 * schema, which follows the spec where PyYAML does not: a bare `y`/`n` stays a string, `09` and
 * `1e3` are strings (PyYAML's decimal ints start with 1-9, its floats need a dot and an exponent
 * sign), `.` is a string, and a timestamp is its text (`2026-12-01`, what Ansible's templating
 * makes of the date PyYAML gives). Checked against ansible.parsing.yaml.loader in test/core/pyyaml.test.ts.
 */
import type { ScalarTag, Tags } from 'yaml';

const BOOL = 'tag:yaml.org,2002:bool';
const PY_TRUE = /^(?:[Yy]es|YES|[Tt]rue|TRUE|[Oo]n|ON)$/;
const PY_FALSE = /^(?:[Nn]o|NO|[Ff]alse|FALSE|[Oo]ff|OFF)$/;
/** PyYAML's decimal int (the library's also takes `09`), exponent float and plain float. */
const PY_INT = /^[-+]?(?:0|[1-9][0-9_]*)$/;
const PY_FLOAT_EXP = /^(?:[-+]?[0-9][0-9_]*\.[0-9_]*|\.[0-9_]+)[eE][-+][0-9]+$/;
const PY_FLOAT = /^(?:[-+]?[0-9][0-9_]*\.[0-9_]*|\.[0-9_]+)$/;
/** Sexagesimal ints start with 1-9 too (`0:30` is a string). */
const PY_INT_TIME = /^[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+$/;

/** The library's YAML 1.1 tags with PyYAML's patterns (pass as `customTags`). */
export function pyyamlTags(tags: Tags): Tags {
  return tags.map((t) => {
    const tag = t as ScalarTag;
    if (!tag.test) return t;
    if (tag.tag === BOOL) return { ...tag, test: tag.test.test('yes') ? PY_TRUE : PY_FALSE };
    if (tag.tag === 'tag:yaml.org,2002:int' && tag.test.test('10') && !tag.format) return { ...tag, test: PY_INT };
    if (tag.tag === 'tag:yaml.org,2002:int' && tag.format === 'TIME') return { ...tag, test: PY_INT_TIME };
    if (tag.tag === 'tag:yaml.org,2002:float' && tag.format === 'EXP') return { ...tag, test: PY_FLOAT_EXP };
    if (tag.tag === 'tag:yaml.org,2002:float' && tag.test.test('1.5')) return { ...tag, test: PY_FLOAT };
    if (tag.tag === 'tag:yaml.org,2002:timestamp' && tag.test.test('2026-12-01')) return { ...tag, resolve: (s: string) => s };
    return t;
  });
}
