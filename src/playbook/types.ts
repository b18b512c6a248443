/** A playbook as loaded: plays of tasks, each task one operation with raw (untemplated) args. */
import type { SourcePos } from '../core/errors.ts';
import type { VarSpec } from './vars-spec.ts';

/** A task's place in a `block:` that has `rescue:` or `always:` (plain blocks leave no trace): see runner/blocks.ts. */
export interface BlockRef {
  /** Unique within the playbook. */
  id: number;
  /** Which list of the block the task (or the inner block holding it) is in. */
  part: 'block' | 'rescue' | 'always';
  /** The block has a non-empty `rescue:`: a failure in its `block:` part is caught. */
  rescue: boolean;
  /** The enclosing block of this one, with this block's part in it. */
  up?: BlockRef;
}

/**
 * Variables only some tasks see, by Ansible's precedence layer: role defaults (above the play's
 * and every role's defaults, below the inventory), role vars (above the play's vars), block and
 * task `vars:`, and role parameters (below only the extra vars). Values are raw, rendered when read.
 */
export interface TaskScope {
  defaults: Record<string, unknown>;
  roleVars: Record<string, unknown>;
  vars: Record<string, unknown>;
  params: Record<string, unknown>;
}

/** Ansible's `until`/`retries`/`delay`: the task runs again until the expression holds. */
export interface Retry {
  until: unknown;
  /** Attempts in all (Ansible 2.14's meaning of `retries`; default 3). */
  retries: number;
  /** Seconds between attempts (default 5). */
  delay: number;
}

/** The `meta:` actions provision runs (playbook/meta.ts). */
export type MetaAction = 'flush_handlers' | 'end_host' | 'noop';

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
  /** The role the task comes from: `src` of copy/template is looked up in its `files/`/`templates/` first. */
  role?: { name: string; dir: string };
  /** Variables of its role, block or own `vars:` (absent: the play's variables only). */
  scope?: TaskScope;
  /** Its `block:` with rescue/always, if any. */
  block?: BlockRef;
  retry?: Retry;
  /** A `meta:` task: no operation runs; the runner flushes handlers or ends the host's play. */
  meta?: MetaAction;
  /** One of the flushes Ansible adds after pre_tasks, roles+tasks and post_tasks: never listed, never tagged out. */
  implicit?: boolean;
  /** Task-level `become: true`: the host's connection becomes for the whole run (as a play's `become`). */
  become?: boolean;
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
  /** Lowest-precedence variables (ours, then every role's defaults/main.yml): the inventory overrides them. */
  defaults: Record<string, unknown>;
  vars: Record<string, unknown>;
  /** Every role's vars/main.yml, as Ansible exposes them to the whole play: above `vars:`. */
  roleVars: Record<string, unknown>;
  /** `vars_spec:`: the declared type and form of the variables the play reads, checked on every host before planning. */
  varsSpec: Record<string, VarSpec>;
  /** Where each key of `defaults:` and `vars:` was written (`vars:` wins for a name in both). */
  varPos: Record<string, SourcePos>;
  tasks: Task[];
  handlers: Task[];
  /** Directory of the playbook file the play is written in (an imported playbook's own): relative `src` paths. */
  baseDir: string;
  pos: SourcePos;
}

export interface Playbook {
  file: string;
  baseDir: string;
  plays: Play[];
}
