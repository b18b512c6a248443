/** Builds the text the host's journal read script prints, from a compact description of runs. */
import type { JournalEntry } from '../../src/host/changes/index.ts';

const b64 = (s: string) => Buffer.from(s).toString('base64');

/** A path state as the read script prints it: `-`, `d`, `l`, or `f <sha>`. */
export type St = '-' | 'd' | 'l' | `f ${string}`;

/** One entry's own fields, per kind (the union stays discriminated). */
type Own<E> = E extends unknown ? Omit<E, 'seq' | 'task' | 'summary' | 'paths'> : never;

export type FxEntry = Own<JournalEntry> & {
  task?: string;
  summary?: string;
  paths?: string[];
  /** Backup state per path (`absent` = NNNN.i.absent); missing = backup never written. */
  backups?: (St | 'absent' | undefined)[];
  /** Current state per path. */
  current?: St[];
  serviceBefore?: 'running' | 'stopped';
};

export interface FxRun {
  id: string;
  time: string;
  status?: string;
  extra?: string[];
  entries: FxEntry[];
}

export const sha = (c: string) => c.repeat(64).slice(0, 64);

export function dump(runs: FxRun[], lock?: { run: string; stale: boolean }): string {
  const out: string[] = [];
  if (lock) out.push(`K ${b64(`${lock.run}\n`)} ${lock.stale ? 1 : 0}`);
  for (const r of runs) {
    const file = [
      `id=${r.id}`,
      `time=${r.time}`,
      'user=alice',
      'control=ctl',
      'playbook=/pb/site.yml',
      `status=${r.status ?? 'complete'}`,
      `changed=${r.entries.length}`,
      ...(r.extra ?? []),
    ];
    out.push(`R ${r.id} ${b64(`${file.join('\n')}\n`)}`);
    r.entries.forEach((e, k) => {
      const seq = k + 1;
      const n = String(seq).padStart(4, '0');
      const { backups, current, serviceBefore, ...rest } = e;
      const path = 'path' in e ? e.path : undefined;
      const entry = {
        seq,
        task: e.task ?? `task ${seq}`,
        summary: e.summary ?? `${e.kind} ${path ?? ''}`,
        ...rest,
        paths: e.paths ?? (path ? [path] : []),
      };
      out.push(`E ${r.id} ${n} ${b64(JSON.stringify(entry))}`);
      (backups ?? []).forEach((b, i) => {
        if (b === 'absent') out.push(`B ${r.id} ${n}.${i}.absent -`);
        else if (b) out.push(`B ${r.id} ${n}.${i} ${b}`);
      });
      if (serviceBefore) out.push(`B ${r.id} ${n}.${serviceBefore} -`);
      (current ?? []).forEach((c, i) => out.push(`P ${r.id} ${n} ${i} ${c}`));
    });
  }
  return out.join('\n');
}
