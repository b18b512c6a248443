/** The state of one host during a run: its connection, facts, counters and journal position. */
import { hostname, userInfo } from 'node:os';
import type { Change } from '../core/change.ts';
import { CommandError } from '../core/errors.ts';
import { sh } from '../core/quote.ts';
import type { FactCache } from '../facts/gather.ts';
import { runDir, type RunMeta, type RunStatus } from '../journal/layout.ts';
import type { Transport } from '../transport/types.ts';
import { changeScript } from './change-script.ts';
import type { HostRecap } from './events.ts';
import { learn } from './learn.ts';

export class HostRun {
  readonly recap: HostRecap = { ok: 0, changed: 0, failed: 0, skipped: 0, unreachable: false, roundTrips: 0, connections: 0 };
  failed = false;
  lockHeld = false;
  /** Handlers (names or listen topics) notified on this host. */
  readonly notified = new Set<string>();
  private seq = 0;
  private recordOpen = false;
  /** When this run's record was opened on the host. */
  private openedAt = new Date().toISOString();
  private changes = 0;

  constructor(
    readonly name: string,
    readonly transport: Transport,
    readonly vars: Record<string, unknown>,
    public facts: FactCache,
    readonly runId: string,
    private readonly playbook: string,
    /** Masks secret values in what the journal shows people. */
    private readonly mask: (s: string) => string = (s) => s,
  ) {}

  private meta(status: RunStatus): RunMeta {
    return { id: this.runId, time: this.openedAt, user: userInfo().username, control: hostname(), playbook: this.playbook, status, changed: this.changes };
  }

  private metaScript(status: RunStatus): string {
    const m = this.meta(status);
    const dir = runDir(this.runId);
    const lines = Object.entries(m).map(([k, v]) => `${k}=${String(v).replace(/\n/g, ' ')}`);
    return sh`mkdir -p ${dir}/entries ${dir}/backups && printf '%s\n' ${lines} > ${dir}/run.tmp && mv ${dir}/run.tmp ${dir}/run`.text;
  }

  /** Make one change: journal entry and backup first, then the change, in one round trip. */
  async apply(change: Change, task: string): Promise<void> {
    this.seq += 1;
    const { script, stdin } = changeScript(change, { slot: { runId: this.runId, seq: this.seq }, task: this.mask(task), mask: this.mask });
    if (!this.recordOpen) this.openedAt = new Date().toISOString();
    const pre = this.recordOpen ? '' : `${this.metaScript('running')}\n`;
    const res = await this.transport.exec(`set -e\n${pre}${script}`, stdin ? { stdin } : {});
    this.recordOpen = true;
    if (res.code !== 0) {
      const stderr = res.stderr.trim();
      throw new CommandError(`${change.summary}: failed (exit ${res.code})${stderr ? `: ${stderr.split('\n').slice(-3).join(' | ')}` : ''}`, { command: script, code: res.code, stderr }, { host: this.name, task, hint: hintFor(change, res.code) });
    }
    this.changes += 1;
    learn(this.facts, change, true);
  }

  /** Shell that closes the run record (when one was opened) with its final status. */
  closeScript(status: RunStatus): string {
    return this.recordOpen ? this.metaScript(status) : '';
  }
}

function hintFor(change: Change, code: number): string {
  if (code === 75) return 'the service did not come up in time: look at its log on the host; the journal can undo this run (`provision rollback`)';
  if (code === 3 && change.kind === 'service') return 'the configuration check failed, so the service was left running with its old configuration';
  if (code === 3 && change.kind === 'write') return 'the validator rejected the new content; the file was left as it was';
  if (code === 3 && change.kind === 'copytree') return 'remove or rename the existing directory, or choose another instance directory';
  return 'the change was journaled before it ran: `provision rollback` undoes what this run did';
}
