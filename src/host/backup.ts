/**
 * Shell that writes a journal entry and byte-exact backups BEFORE a change, in the same script
 * (and so the same round trip) as the change itself.
 */
import { sh } from '../core/quote.ts';
import type { JournalEntry } from './changes/index.ts';
import { runDir, seqName } from './layout.ts';

/** Where a journal entry goes: the run's directory on the host and the entry's number. */
export interface JournalSlot {
  runId: string;
  seq: number;
}

/**
 * Entry first (atomically, via rename), then a backup of each path: `NNNN.i` a `cp -a` copy,
 * or `NNNN.i.absent` when it did not exist. Rollback restores from exactly these files.
 */
export function journalPrelude(slot: JournalSlot, entry: JournalEntry, paths: string[]): string {
  const dir = runDir(slot.runId);
  const n = seqName(slot.seq);
  const lines = [
    sh`J=${dir}; N=${n}`.text,
    'mkdir -p "$J/entries" "$J/backups"',
    sh`printf '%s\n' ${JSON.stringify({ ...entry, paths })} > "$J/entries/$N.tmp"`.text,
    'mv -f "$J/entries/$N.tmp" "$J/entries/$N"',
  ];
  // The paths again, one base64 line each, so rollback's read script can hash them without parsing JSON.
  if (paths.length) lines.push(sh`printf '%s\n' ${paths.map((p) => Buffer.from(p).toString('base64'))} > "$J/backups/$N.paths"`.text);
  paths.forEach((p, i) => {
    lines.push(
      sh`if [ -e ${p} ] || [ -L ${p} ]; then rm -rf "$J/backups/$N.${i}"; cp -a -- ${p} "$J/backups/$N.${i}"; `.text +
        sh`else : > "$J/backups/$N.${i}.absent"; fi`.text,
    );
  });
  return lines.join('\n');
}

/** Record whether a service ran before we touched it (`NNNN.running` / `NNNN.stopped`). */
export function serviceStatePrelude(statusCommand: string): string {
  return `if { ${statusCommand}\n} >/dev/null 2>&1; then : > "$J/backups/$N.running"; else : > "$J/backups/$N.stopped"; fi`;
}

/** Shell that restores backup `i` of the current entry onto `path` (used by rollback). */
export function restoreSnippet(dir: string, seq: number, i: number, path: string): string {
  const b = `${dir}/backups/${seqName(seq)}.${i}`;
  return [
    sh`if [ -e ${b} ] || [ -L ${b} ]; then rm -rf -- ${path}; cp -a -- ${b} ${path};`.text,
    sh`elif [ -e ${b + '.absent'} ]; then rm -rf -- ${path}; fi`.text,
  ].join(' ');
}
