/**
 * `file` (like Ansible's): make sure a path is a file, a directory, absent, or touched, with the
 * wanted mode/owner/group. Planned from the path's `file` fact.
 */
import type { Change } from '../../core/change.ts';
import { sh } from '../../core/quote.ts';
import { fact, type FactRequest } from '../../facts/types.ts';
import { defineOperation } from '../types.ts';
import {
  absPath,
  attrFields,
  attrProps,
  attrsToChange,
  describeAttrs,
  describeKept,
  fail,
  isEmpty,
  objectSchema,
  parseAttrs,
  type AttrArgs,
} from './common.ts';
import { getFact } from './get-fact.ts';

export interface FileArgs extends AttrArgs {
  /** Absolute path on the host. */
  path: string;
  /** Default: the path's current type when it exists, else `file` (which requires it to exist). */
  state?: 'file' | 'directory' | 'absent' | 'touch';
  /** With `state: directory`: apply owner/group to everything below (not mode). */
  recurse?: boolean;
}

/** The command fact that finds one entry below `path` with the wrong owner or group. */
function strayCommand(a: FileArgs): string {
  const tests: string[] = [];
  if (a.owner) tests.push(sh`! -user ${a.owner}`.text);
  if (a.group) tests.push(sh`! -group ${a.group}`.text);
  return `find ${sh`${a.path}`.text} \\( ${tests.join(' -o ')} \\) -print -quit 2>/dev/null`;
}

export const fileOp = defineOperation<FileArgs>({
  name: 'file',
  schema: objectSchema(
    { path: absPath, state: { enum: ['file', 'directory', 'absent', 'touch'] }, recurse: { type: 'boolean' }, ...attrProps },
    ['path'],
  ),
  facts(a) {
    const reqs: FactRequest[] = [fact.file(a.path)];
    if (a.recurse && (a.owner || a.group)) reqs.push(fact.command(strayCommand(a)));
    return reqs;
  },
  plan(a, facts) {
    const f = getFact.file(facts, a.path);
    const want = parseAttrs(a);
    const state = a.state ?? (f.exists && f.type === 'directory' ? 'directory' : 'file');
    if (a.recurse && state !== 'directory') fail('recurse needs state: directory', 'add state: directory or drop recurse');
    if (a.recurse && want.mode !== undefined) {
      fail('recurse applies owner and group only, not mode', 'set the mode of files and directories with separate tasks');
    }
    if (state === 'absent') {
      if (!f.exists) return { changes: [], okMessage: `${a.path} is already absent` };
      return { changes: [{ kind: 'remove', path: a.path, summary: `remove ${f.type ?? 'path'} ${a.path}` }], okMessage: '' };
    }
    if (state === 'directory' && (!f.exists || f.type !== 'directory')) {
      if (f.exists) fail(`${a.path} exists and is a ${f.type}, not a directory`, 'remove it first (state: absent) or pick another path');
      return {
        changes: [
          {
            kind: 'mkdir',
            path: a.path,
            ...attrFields(want),
            summary: `create directory ${a.path}${isEmpty(want) ? '' : ' (' + describeAttrs(null, want) + ')'}`,
          },
        ],
        okMessage: '',
      };
    }
    if (state === 'file' && !f.exists) {
      fail(
        `${a.path} does not exist`,
        'state: file only changes attributes of an existing file; use state: touch, copy or template to create it',
      );
    }
    if ((state === 'file' || state === 'touch') && f.exists && f.type === 'directory') {
      fail(`${a.path} is a directory, not a file`, 'use state: directory');
    }
    if (state === 'touch' && !f.exists) {
      const change: Change = {
        kind: 'write',
        path: a.path,
        content: Buffer.alloc(0),
        ...attrFields(want),
        diff: { path: a.path, before: null, after: '' },
        summary: `create empty file ${a.path}`,
      };
      return { changes: [change], okMessage: '' };
    }
    const changes: Change[] = [];
    const delta = attrsToChange(f, want);
    if (!isEmpty(delta))
      changes.push({ kind: 'attrs', path: a.path, ...attrFields(delta), summary: `set ${describeAttrs(f, delta)} on ${a.path}` });
    if (a.recurse && (a.owner || a.group)) {
      const stray = getFact.command(facts, strayCommand(a));
      if (stray.stdout.trim() !== '') {
        const who = sh`${`${a.owner ?? ''}${a.group ? ':' + a.group : ''}`}`.text;
        changes.push({
          kind: 'exec',
          command: `chown -R ${who} ${sh`${a.path}`.text}`,
          summary: `chown -R ${who} ${a.path} (${stray.stdout.trim()} differs)`,
        });
      }
    }
    const kind = state === 'directory' ? 'directory' : 'file';
    return { changes, okMessage: `${kind} ${a.path} exists${describeKept(f, want)}${a.recurse ? ' (and everything below)' : ''}` };
  },
});
