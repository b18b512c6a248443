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

/**
 * Upper bound of one batch script. It travels on stdin (transport/stdin-script.ts), so no command
 * line limits it; the remote shell holds it in one variable and parses it whole, so it is bounded.
 */
const BATCH_BYTES = 512 * 1024;
/** Here-document delimiter for inline file contents (base64 never produces it). */
const EOF = 'PROVISION_EOF_7f3a';
/** Files larger than this are not inlined in a batch (base64 grows them by a third). */
const INLINE_MAX = 24 * 1024;

/** Shell to run after a batch's changes, and what takes its output in (FactCache.readAfter). */
export interface AfterScript {
  script: string;
  take: (stdout: string) => void;
}

/** One change ready to run: its journaled subshell, and what it belongs to. */
interface Part {
  change: Change;
  part: string;
  /** The task it belongs to (the journal and errors name it). */
  task: string;
  /** Its journal number. */
  seq: number;
  /** A large file's content, sent alone on stdin. */
  stdin?: Buffer;
  /** Queued changes: which queue() call they came from. */
  ticket?: number;
}

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
  /** Changes queued by queue(), made by flush(). */
  private queued: Part[] = [];
  private tickets = 0;
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
    return this.execute(this.prepare(changes, task, o), o.waitAnnounced);
  }

  /**
   * Queue a task's changes (runner/segment.ts): they are learned now, as if made, so the next task
   * plans against them, and made by the next flush(), in one script with every change queued before.
   * Returns the ticket flush() names when one of them fails.
   */
  queue(changes: Change[], task: string, o: { mask?: (s: string) => string } = {}): number {
    const ticket = ++this.tickets;
    for (const part of this.prepare(changes, task, { ...o, ticket })) {
      learn(this.facts, part.change, true);
      this.queued.push(part);
    }
    return ticket;
  }

  /** Changes queued and not yet made. */
  get queuedCount(): number {
    return this.queued.length;
  }

  /**
   * Make every queued change, in order (the same batches as applyAll). `made` is called for each
   * change made. On a failure, the ticket of the change that failed (the rest were not made) and why.
   * `after`: shell run at the end of the last batch once every change is made (a fact read), given its output.
   */
  async flush(
    made: (ticket: number, task: string, summary: string) => void,
    after?: AfterScript,
  ): Promise<{ failed?: { ticket: number; error: unknown } }> {
    const parts = this.queued;
    this.queued = [];
    let at = 0;
    try {
      await this.execute(
        parts,
        false,
        (p) => {
          at += 1;
          made(p.ticket!, p.task, p.change.summary);
        },
        after,
      );
      return {};
    } catch (error) {
      return { failed: { ticket: parts[at]!.ticket!, error } };
    }
  }

  /** Forget the queued changes without making them (an interrupted run starts nothing new); their journal numbers are reused. */
  discard(): void {
    if (this.queued.length) this.seq = this.queued[0]!.seq - 1;
    this.queued = [];
  }

  /** Each change as a journaled subshell, numbered in the journal in order. */
  private prepare(changes: Change[], task: string, o: { mask?: (s: string) => string; roll?: RollRecord; ticket?: number }): Part[] {
    const mask = o.mask ?? this.mask;
    return changes.map((change) => {
      this.seq += 1;
      const { script, stdin } = changeScript(change, {
        slot: { runId: this.runId, seq: this.seq },
        task: mask(task),
        mask,
        ...(o.roll ? { roll: o.roll } : {}),
      });
      const base = { change, task, seq: this.seq, ...(o.ticket ? { ticket: o.ticket } : {}) };
      // A large file's content is not inlined: it follows the script on the channel's stdin, as big as it needs to be.
      if (stdin && stdin.length > INLINE_MAX) return { ...base, part: `(\n${script}\n)`, stdin };
      // The here-document belongs to the whole `{ …; }` and starts after its last line.
      const part = stdin
        ? `{ base64 -d | (\n${script}\n); } <<'${EOF}'\n${stdin.toString('base64').replace(/.{1,76}/g, '$&\n')}${EOF}`
        : `(\n${script}\n) </dev/null`;
      return { ...base, part };
    });
  }

  /**
   * Run prepared changes in bounded batches; stops at the first failure (throws). A large file's
   * content follows the script on stdin, so a batch carries at most one (every other part reads
   * its own here-document or /dev/null).
   */
  private async execute(parts: Part[], waitAnnounced = false, made?: (p: Part) => void, after?: AfterScript): Promise<string[]> {
    let batch: Part[] = [];
    let size = 0;
    let stdin: Buffer | undefined;
    const outs: string[] = [];
    const send = async (last?: AfterScript) => {
      if (batch.length) outs.push(await this.run(batch, { stdin, waitAnnounced, made, after: last }));
      batch = [];
      size = 0;
      stdin = undefined;
    };
    for (const p of parts) {
      if ((p.stdin && stdin) || (batch.length && size + p.part.length > BATCH_BYTES)) await send();
      batch.push(p);
      size += p.part.length;
      stdin ??= p.stdin;
    }
    await send(after);
    return outs;
  }

  /** Run one batch; returns its stdout (what the changes printed, e.g. a drain's outcome). */
  private async run(
    batch: Part[],
    o: { stdin?: Buffer | undefined; waitAnnounced?: boolean; made?: ((p: Part) => void) | undefined; after?: AfterScript | undefined },
  ): Promise<string> {
    const { stdin, made } = o;
    if (!this.recordOpen) this.openedAt = new Date().toISOString();
    const pre = this.recordOpen ? '' : `${this.metaScript('running')} || exit 90\n`;
    const script =
      pre +
      batch.map((b, i) => `${b.part}\nrc=$?; echo "@@pvc ${i} $rc"; [ $rc = 0 ] || exit $rc`).join('\n') +
      (o.after ? `\n${o.after.script}` : '');
    if (!o.waitAnnounced) this.announceWaits(batch.map((b) => b.change));
    const res = await this.transport.exec(script, stdin ? { stdin } : {});
    this.recordOpen = true;
    const done = new Set([...res.stdout.matchAll(/^@@pvc (\d+) 0$/gm)].map((m) => Number(m[1])));
    for (const [i, b] of batch.entries()) {
      if (done.has(i)) {
        this.changes += 1;
        this.recap.changes += 1;
        // A queued change was learned when it was queued; its progress event is the caller's.
        if (made) made(b);
        else {
          this.emitter?.emit('change', { host: this.name, task: this.mask(b.task), summary: this.mask(b.change.summary) });
          learn(this.facts, b.change, true);
        }
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
        { host: this.name, task: b.task, hint: failureHint(b.change, code) },
      );
    }
    o.after?.take(res.stdout);
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
