/** A playbook as loaded: plays of tasks, each task one operation with raw (untemplated) args. */
import type { SourcePos } from '../core/errors.ts';
import type { VarSpec } from './vars-spec.ts';

export interface Task {
  /** Display name (defaults to the operation and its first argument). */
  name: string;
  /** Operation name, e.g. `copy`. */
  op: string;
  /** Raw arguments; strings may hold `{{ }}` templates, rendered per host. */
  args: Record<string, unknown>;
  when?: unknown;
  /** Handler names (or `listen` topics) notified when the task changes something. */
  notify: string[];
  tags: string[];
  /** Expression or list: the task runs once per item, with `item` (or loop_var) set. */
  loop?: unknown;
  loopVar: string;
  /** Template naming each loop item in the output (`loop_control.label`). */
  loopLabel?: string;
  /** At most this many hosts run the task at once (e.g. 1 to start cluster members one by one). */
  throttle?: number;
  ignoreErrors: boolean;
  /** `register:`: the variable that holds the task's result (Ansible's shape) for later tasks. */
  register?: string;
  /** `changed_when:` (raw): decides `changed` from the result (a command's stdout, rc). */
  changedWhen?: unknown;
  /** `failed_when:` (raw): decides `failed` from the result. */
  failedWhen?: unknown;
  /** Variables registered by other tasks that this one reads (its loop, when or arguments): expanded when reached. */
  reads?: string[];
  /** `no_log: true`: the task's messages, diffs and changes are not shown. */
  noLog: boolean;
  /** Topics this handler also answers to. */
  listen: string[];
  /** A rolling restart (handlers only; raw, templated per host and item): see src/runner/roll.ts. */
  rolling?: Record<string, unknown>;
  pos: SourcePos;
}

export interface Play {
  name: string;
  /** Ansible host pattern. */
  hosts: string;
  /** `become: true`: run on the play's hosts through sudo (per host: its connection becomes for the whole run). */
  become?: boolean;
  /** `gather_facts` (default true): tasks may read the `ansible_*` facts (facts/ansible-facts.ts). */
  gatherFacts: boolean;
  /** Ansible's `serial`: hosts in batches (numbers or percentages; a list grows the batches). */
  serial?: Array<number | string>;
  /** Abort the play when more than this share of a batch's hosts failed (Ansible's max_fail_percentage). */
  maxFailPercentage?: number;
  /** Lowest-precedence variables (like a role's defaults): the inventory overrides them. */
  defaults: Record<string, unknown>;
  vars: Record<string, unknown>;
  /** `vars_spec:`: the declared type and form of the variables the play reads, checked on every host before planning. */
  varsSpec: Record<string, VarSpec>;
  /** Where each key of `defaults:` and `vars:` was written (`vars:` wins for a name in both). */
  varPos: Record<string, SourcePos>;
  tasks: Task[];
  handlers: Task[];
  pos: SourcePos;
}

export interface Playbook {
  file: string;
  baseDir: string;
  plays: Play[];
}
