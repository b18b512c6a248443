/**
 * `wait_for` (Ansible's, for a port or a path): a `wait` change run in order with the task's
 * neighbours, so it waits for what earlier tasks started. It changes nothing (the task is `ok`);
 * in the pre-flight plan and in --check it only says what it would wait for.
 */
import { defineOperation } from '../types.ts';
import { waitForText, type WaitFor } from '../../host/changes/wait.ts';
import { absPath, fail, nonEmpty } from './common.ts';

export interface WaitForArgs {
  host?: string;
  port?: number;
  path?: string;
  state?: 'started' | 'stopped' | 'present' | 'absent';
  search_regex?: string;
  /** Seconds (default 300, as Ansible). */
  timeout?: number;
  delay?: number;
  /** Ansible's message on timeout (shown instead of ours). */
  msg?: string;
}

const seconds = { type: 'integer', minimum: 0 };

export const waitForOp = defineOperation<WaitForArgs>({
  name: 'wait_for',
  schema: {
    type: 'object',
    properties: {
      host: nonEmpty,
      port: { type: 'integer', minimum: 1, maximum: 65535 },
      path: absPath,
      state: { enum: ['started', 'stopped', 'present', 'absent'] },
      search_regex: nonEmpty,
      timeout: seconds,
      delay: seconds,
      msg: { type: 'string' },
    },
    additionalProperties: false,
    oneOf: [{ required: ['port'] }, { required: ['path'] }],
    description: 'give exactly one of port or path (state drained, exclude_hosts, sleep and connect_timeout are not supported)',
  },
  facts: () => [],
  plan(a) {
    const state = a.state ?? 'started';
    if (a.port !== undefined && (state === 'present' || state === 'absent'))
      fail(`wait_for: state ${state} is for a path`, 'for a port use started or stopped');
    if (a.search_regex && (a.port !== undefined || state === 'absent' || state === 'stopped'))
      fail('wait_for: search_regex goes with a path that must be present', 'give path and state: present');
    const w: WaitFor = {
      host: a.host ?? '127.0.0.1',
      ...(a.port !== undefined ? { port: a.port } : { path: a.path! }),
      state: a.path && state === 'stopped' ? 'absent' : state,
      ...(a.search_regex ? { searchRegex: a.search_regex } : {}),
      timeout: a.timeout ?? 300,
      delay: a.delay ?? 0,
    };
    return {
      changes: [{ kind: 'wait', wait: w, summary: a.msg ? `wait for ${waitForText(w)} (${a.msg})` : `wait for ${waitForText(w)}` }],
      okMessage: '',
    };
  },
});
