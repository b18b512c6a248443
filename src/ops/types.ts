/**
 * An operation never touches the network: `plan(args, facts)` returns the changes (data) that
 * would bring the host to the wanted state. An empty list means `ok`, with `okMessage` as reason.
 */
import type { Change } from '../core/change.ts';
import { ProvisionError } from '../core/errors.ts';
import type { FactRequest, Facts } from '../facts/types.ts';

/** What an operation knows about where it runs. */
export interface PlanContext {
  /** Inventory name of the host. */
  host: string;
  /** All variables of the host (inventory + play + extra vars), already merged. */
  vars: Record<string, unknown>;
  /** Variables of every host in the play, by inventory name (for cluster-wide plans). */
  hostvars: Record<string, Record<string, unknown>>;
  /** Names of the hosts in the play, in inventory order. */
  playHosts: string[];
  /** Directory of the playbook, for relative `src:` paths. */
  baseDir: string;
  /** The task's role directory: a relative `src:` is looked for in its `files/` or `templates/` first. */
  roleDir?: string;
}

export interface Plan {
  changes: Change[];
  /** Why nothing needs doing (used when `changes` is empty). */
  okMessage: string;
  /** What `register:` holds besides `changed`/`failed`/`msg`, in the Ansible module's shape (xml's `count`). */
  result?: Record<string, unknown>;
  /** Traps worth telling (shown as `[WARNING]` lines and in --json's messages) that do not stop the run. */
  warnings?: string[];
}

/** One host's planning of a task, as a check across hosts sees it (`OperationDef.acrossHosts`). */
export interface PlannedOnHost<A> {
  args: A;
  ctx: PlanContext;
  /** The host's simulated facts once every task of the run is planned there (each planned change learned). */
  facts: Facts;
}

export interface OperationDef<A = Record<string, unknown>> {
  /** Name used in playbooks, e.g. `copy`, `tomcat_cluster`. */
  name: string;
  /** JSON Schema of the arguments (validated with ajv before anything runs). */
  schema: Record<string, unknown>;
  /** Facts this task needs, computed from its (templated) arguments. */
  facts(args: A, ctx: PlanContext): FactRequest[];
  /** Pure: from arguments and facts to changes. Throws OperationError on bad input. */
  plan(args: A, facts: Facts, ctx: PlanContext): Plan | Promise<Plan>;
  /**
   * Optional, pure: a check over every host this task was planned on (each loop item), run by the
   * pre-flight once every host is planned and before any change (a cluster's members must agree).
   * Returns warnings; throws OperationError to stop the run (the task fails on each of those hosts).
   */
  acrossHosts?(planned: PlannedOnHost<A>[]): string[];
}

/** Run `fn`; an error it throws (or its promise rejects with) is told the host it happened on. */
function onHost<T>(host: string, fn: () => T): T {
  const place = (e: unknown) => (e instanceof ProvisionError ? e.at({ host }) : e);
  try {
    const out = fn();
    return (out instanceof Promise ? out.catch((e: unknown) => Promise.reject(place(e))) : out) as T;
  } catch (e) {
    throw place(e);
  }
}

/**
 * Each operation module is typed by its args. The one way an operation's errors get their host:
 * here, for every operation (the runner adds the task); operations never pass it.
 */
export function defineOperation<A>(def: OperationDef<A>): OperationDef<A> {
  return {
    ...def,
    facts: (args, ctx) => onHost(ctx.host, () => def.facts(args, ctx)),
    plan: (args, facts, ctx) => onHost(ctx.host, () => def.plan(args, facts, ctx)),
  };
}
