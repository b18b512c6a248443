/**
 * The options of a run, and the one function that fills their defaults (at the edge, as execa's
 * addDefaultOptions): below `runPlaybook` every option is present and typed.
 */
import { DEFAULT_FORKS } from '../core/forks.ts';
import type { ConnectionDefaults } from '../inventory/connection.ts';
import type { VaultKeyring } from '../inventory/vault.ts';
import type { OperationDef } from '../ops/types.ts';
import type { ConnectionSpec, Transport } from '../transport/types.ts';
import type { RunEmitter } from './events.ts';
import type { TagFilter } from './expand.ts';

/** An answer to `--step`'s question (`stop`: the answers ended, as stdin at EOF). */
export type StepAnswer = 'yes' | 'no' | 'continue' | 'stop';

/** Ask `--step`'s question (the CLI reads the terminal or stdin). */
export type StepAsk = (question: string) => Promise<StepAnswer>;

/** What a run is asked to do; `runDefaults` fills what is left out. */
export interface RunOptions {
  /** Inventory sources (`-i`, repeatable); later ones win, as in Ansible. */
  inventory: string | string[];
  /** Vault passwords for vaulted inventory files and `!vault` values; what they decrypt is masked. */
  vault?: VaultKeyring;
  /** `--start-at-task`: tasks before the first one of this name (a glob, as Ansible's fnmatch) do not run. */
  startAtTask?: string;
  playbook: string;
  /** ansible.cfg's roles_path / ANSIBLE_ROLES_PATH (default Ansible's): where roles are looked for after roles/ beside the playbook. */
  rolesPath?: string[];
  ops: Map<string, OperationDef<any>>;
  emitter: RunEmitter;
  /** Plan only: report ok / would change, write nothing, take no lock. */
  check?: boolean;
  /** `--step`: ask before each task and handler whether to perform it (step-mode.ts); tasks are then never merged into one script. */
  step?: StepAsk;
  /** Hosts in parallel. Default `DEFAULT_FORKS` (5), as Ansible. */
  forks?: number;
  limit?: string;
  tags?: TagFilter;
  extraVars?: Record<string, unknown>;
  /** Where each extra variable was set (`-e '…'`, `--extra-vars-file f.yml:3`), for errors about its value. */
  extraVarOrigins?: Record<string, string>;
  /** Values to mask everywhere, besides the inventory's secret variables. */
  secrets?: string[];
  connection?: ConnectionDefaults;
  /** Break a lock whose holder is gone. */
  breakStaleLock?: boolean;
  /**
   * Roll back every host that failed after this run took its lock, with this function (the CLI
   * passes the journal's `rollbackHost`: the runner does not depend on the journal).
   */
  rollbackOnFailure?: (transport: Transport, host: string, runId: string, peers: Map<string, Transport>) => Promise<{ message: string }>;
  /**
   * Aborted on the first Ctrl-C (SIGINT/SIGTERM): no new change is started, the changes in flight on
   * each host (a task's script, a rolling unit) finish, the run is recorded as interrupted and the
   * locks are released (exit 130).
   */
  interrupt?: AbortSignal;
  /** Emit `debug` events up to this level: 2 facts and plans, 3 every remote script (default none). */
  debug?: number;
  /** Open connections (tests may count or wrap them). */
  open?: (spec: ConnectionSpec) => Promise<Transport>;
}

/** Run options with every default filled in. */
export type ResolvedRunOptions = RunOptions &
  Required<Pick<RunOptions, 'check' | 'forks' | 'tags' | 'extraVars' | 'extraVarOrigins' | 'secrets' | 'breakStaleLock'>>;

/** Fill the defaults of a run's options, once. */
export function runDefaults(o: RunOptions): ResolvedRunOptions {
  return {
    ...o,
    check: o.check ?? false,
    forks: o.forks ?? DEFAULT_FORKS,
    tags: o.tags ?? { tags: [], skipTags: [] },
    extraVars: o.extraVars ?? {},
    extraVarOrigins: o.extraVarOrigins ?? {},
    secrets: o.secrets ?? [],
    breakStaleLock: o.breakStaleLock ?? false,
  };
}
