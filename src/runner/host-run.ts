/** The state of one host during a run: its connection, facts, counters and journal position. */
import { hostname, userInfo } from 'node:os';
import type { Change } from '../core/change.ts';
import { CommandError } from '../core/errors.ts';
import { sh } from '../core/quote.ts';
import type { FactCache } from '../facts/gather.ts';
import { changeScript, failureHint } from '../host/change-script.ts';
import { runDir, type RunMeta, type RunStatus } from '../host/layout.ts';
import { learn } from '../host/learn.ts';
import { WAIT_TIMEOUT_MS, waitText } from '../host/service-script.ts';
import type { Transport } from '../transport/types.ts';
import type { HostRecap, RunEmitter } from './events.ts';
import type { Deferred } from './roll.ts';
import type { RollRecord } from '../host/layout.ts';
import { BlockState } from './blocks.ts';

/** Upper bound of one batch script (it travels on stdin, see transport/stdin-script.ts; bounded to keep each round trip small). */
const BATCH_BYTES = 64 * 1024;
/** Here-document delimiter for inline file contents (base64 never produces it). */
const EOF = 'PROVISION_EOF_7f3a';
/** Files larger than this are not inlined in a batch (base64 grows them by a third). */
const INLINE_MAX = 24 * 1024;

export class HostRun {
  readonly recap: HostRecap = { ok: 0, changed: 0, failed: 0, skipped: 0, unreachable: false, roundTrips: 0, connections: 0, changes: 0 };
  failed = false;
  lockHeld = false;
  /** Handlers (names or listen topics) notified on this host. */
  readonly notified = new Set<string>();
  /** Changes held back until their rolling unit is stopped (see roll.ts), by unit key. */
  readonly deferred = new Map<string, Deferred[]>();
  /** Failures in the blocks of the play being applied (rescue/always). */
  blocks = new BlockState();
  /** `register:` variables of this host, by name (runner/register.ts); set while planning, then again while applying. */
  readonly registered: Record<string, unknown> = {};
  private seq = 0;
  private recordOpen = false;
  /** When this run's record was opened on the host. */
  private openedAt = new Date().toISOString();
  private changes = 0;
  /** Where progress goes: each change made, and what a service start waits for. */
  emitter?: RunEmitter;

  /** Changes made that a task's `changed_when` says changed nothing: not counted in the run record. */
  uncount(n: number): void {
    this.changes -= n;
    this.recap.changes -= n;
  }

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
    return {
      id: this.runId,
      time: this.openedAt,
      user: userInfo().username,
      control: hostname(),
      playbook: this.playbook,
      status,
      changed: this.changes,
    };
  }

  private metaScript(status: RunStatus): string {
    const m = this.meta(status);
    const dir = runDir(this.runId);
    const lines = Object.entries(m).map(([k, v]) => `${k}=${String(v).replace(/\n/g, ' ')}`);
    return sh`mkdir -p ${dir}/entries ${dir}/backups && printf '%s\n' ${lines} > ${dir}/run.tmp && mv ${dir}/run.tmp ${dir}/run`.text;
  }

  /**
   * Make a task's changes, in order, in as few round trips as possible: each change is its own
   * subshell (its journal entry and backup written first, then the change), and the script stops
   * at the first one that fails. File contents travel inline (base64), so a batch is bounded; the
   * transport sends the whole script on stdin, so no content (an AJP secret) is ever in a remote argv.
   * `mask`: the task's masker, for what the journal shows people (default the run's).
   */
  async applyAll(
    changes: Change[],
    task: string,
    o: { mask?: (s: string) => string; roll?: RollRecord; waitAnnounced?: boolean } = {},
  ): Promise<string[]> {
    const mask = o.mask ?? this.mask;
    const roll = o.roll;
    let batch: { change: Change; part: string }[] = [];
    let size = 0;
    const outs: string[] = [];
    for (const change of changes) {
      this.seq += 1;
      const { script, stdin } = changeScript(change, {
        slot: { runId: this.runId, seq: this.seq },
        task: mask(task),
        mask,
        ...(roll ? { roll } : {}),
      });
      if (stdin && stdin.length > INLINE_MAX) {
        // A large file goes alone, on the channel's stdin, as big as it needs to be.
        if (batch.length) outs.push(await this.run(batch, task, undefined, o.waitAnnounced));
        batch = [];
        size = 0;
        outs.push(await this.run([{ change, part: `(\n${script}\n)` }], task, stdin, o.waitAnnounced));
        continue;
      }
      // The here-document belongs to the whole `{ …; }` and starts after its last line.
      const part = stdin
        ? `{ base64 -d | (\n${script}\n); } <<'${EOF}'\n${stdin.toString('base64').replace(/.{1,76}/g, '$&\n')}${EOF}`
        : `(\n${script}\n) </dev/null`;
      if (batch.length && size + part.length > BATCH_BYTES) {
        outs.push(await this.run(batch, task, undefined, o.waitAnnounced));
        batch = [];
        size = 0;
      }
      batch.push({ change, part });
      size += part.length;
    }
    if (batch.length) outs.push(await this.run(batch, task, undefined, o.waitAnnounced));
    return outs;
  }

  /** Run one batch; returns its stdout (what the changes printed, e.g. a drain's outcome). */
  private async run(batch: { change: Change; part: string }[], task: string, stdin?: Buffer, waitAnnounced = false): Promise<string> {
    if (!this.recordOpen) this.openedAt = new Date().toISOString();
    const pre = this.recordOpen ? '' : `${this.metaScript('running')} || exit 90\n`;
    const script = pre + batch.map((b, i) => `${b.part}\nrc=$?; echo "@@pvc ${i} $rc"; [ $rc = 0 ] || exit $rc`).join('\n');
    if (!waitAnnounced) this.announceWaits(batch.map((b) => b.change));
    const res = await this.transport.exec(script, stdin ? { stdin } : {});
    this.recordOpen = true;
    const done = new Set([...res.stdout.matchAll(/^@@pvc (\d+) 0$/gm)].map((m) => Number(m[1])));
    for (const [i, b] of batch.entries()) {
      if (done.has(i)) {
        this.changes += 1;
        this.recap.changes += 1;
        this.emitter?.emit('change', { host: this.name, task: this.mask(task), summary: this.mask(b.change.summary) });
        learn(this.facts, b.change, true);
        continue;
      }
      const code = res.code === 0 ? 255 : res.code;
      const stderr = res.stderr.trim();
      // A service that did not come up says why in its log lines: show them, not just the last three.
      const shown =
        b.change.kind === 'service' && (code === 75 || code === 76)
          ? `:\n  ${stderr.split('\n').slice(-10).join('\n  ')}`
          : stderr
            ? `: ${stderr.split('\n').slice(-3).join(' | ')}`
            : '';
      throw new CommandError(
        `${b.change.summary}: failed (exit ${code})${shown}`,
        { command: b.part, code, stderr },
        { host: this.name, task, hint: failureHint(b.change, code) },
      );
    }
    return res.stdout;
  }

  /** A batch that starts a service waits for it: say so, with the timeout, before the round trip. */
  private announceWaits(changes: Change[]): void {
    for (const c of changes) {
      if (c.kind !== 'service' || (c.action !== 'start' && c.action !== 'restart') || !c.wait) continue;
      const what = waitText(c.wait);
      if (!what) continue;
      this.emitter?.emit('info', {
        host: this.name,
        message: this.mask(`${c.service.name}: starting; waiting for ${what}`),
        wait: { timeoutMs: c.wait.timeoutMs ?? WAIT_TIMEOUT_MS },
      });
    }
  }

  /** Shell that closes the run record (when one was opened) with its final status. */
  /** Whether this run journaled a change on the host (so there is something to roll back). */
  get journaled(): boolean {
    return this.recordOpen;
  }

  closeScript(status: RunStatus): string {
    return this.recordOpen ? this.metaScript(status) : '';
  }
}
