/**
 * Turns one Change (data) into the remote script that makes it, preceded by its journal entry
 * and backups. One change = one round trip. Operations never see this; only the applier does.
 */
import { createHash } from 'node:crypto';
import type { Change } from '../core/change.ts';
import { sh } from '../core/quote.ts';
import { writeScript } from '../transport/remote-file.ts';
import { journalPrelude, serviceStatePrelude, type JournalSlot } from '../journal/backup.ts';
import type { JournalEntry, RollRecord } from '../journal/layout.ts';
import { balancerScript, keepDrainedScript } from './balancer-script.ts';
import { firewallReloadScript, firewallScript } from './firewall-script.ts';
import { actionCommand, statusCommand, waitPrelude, waitScript } from './service-script.ts';

export interface ChangeScript {
  script: string;
  stdin?: Buffer;
}

const modeStr = (m: number) => m.toString(8).padStart(4, '0');

function entryFor(change: Change, slot: JournalSlot, task: string): { entry: JournalEntry; paths: string[] } {
  const entry: JournalEntry = { seq: slot.seq, task, kind: change.kind, summary: change.summary };
  switch (change.kind) {
    case 'write':
      entry.path = change.path;
      entry.afterSha256 = createHash('sha256').update(change.content).digest('hex');
      return { entry, paths: [change.path] };
    case 'remove':
      if (change.regenerated) entry.regenerated = true;
      entry.path = change.path;
      return { entry, paths: [change.path] };
    case 'mkdir':
    case 'attrs':
      entry.path = change.path;
      return { entry, paths: [change.path] };
    case 'copytree':
      entry.path = change.dest;
      return { entry, paths: [change.dest] };
    case 'firewall':
    case 'firewall-reload': {
      const zone = change.kind === 'firewall' ? change.zone : 'public';
      entry.zone = zone;
      // firewalld keeps the permanent zone in /etc/firewalld/zones/<zone>.xml (+ .old): back up both.
      return { entry, paths: [`/etc/firewalld/zones/${zone}.xml`, `/etc/firewalld/zones/${zone}.xml.old`] };
    }
    case 'service':
      entry.service = change.service;
      if (change.check) entry.check = change.check;
      return { entry, paths: [] };
    case 'exec':
      if (change.undo) entry.undo = change.undo;
      return { entry, paths: [] };
    case 'package':
      entry.pkg = { manager: change.manager, name: change.name };
      return { entry, paths: [] };
    case 'balancer':
      entry.member = change.member;
      entry.state = change.state;
      return { entry, paths: [] };
  }
}

function body(change: Change): ChangeScript {
  switch (change.kind) {
    case 'write':
      // The transport's atomic write (temp file beside the target, validate, rename), as one step.
      return { script: writeScript(change.path, { mode: change.mode, owner: change.owner, group: change.group, validate: change.validate }), stdin: change.content };
    case 'mkdir': {
      const l = [sh`mkdir -p -- ${change.path}`.text];
      if (change.mode !== undefined) l.push(sh`chmod ${modeStr(change.mode)} -- ${change.path}`.text);
      if (change.owner || change.group) l.push(sh`chown ${`${change.owner ?? ''}${change.group ? `:${change.group}` : ''}`} -- ${change.path}`.text);
      return { script: l.join(' && ') };
    }
    case 'attrs': {
      const l: string[] = [];
      if (change.mode !== undefined) l.push(sh`chmod ${modeStr(change.mode)} -- ${change.path}`.text);
      if (change.owner || change.group) l.push(sh`chown ${`${change.owner ?? ''}${change.group ? `:${change.group}` : ''}`} -- ${change.path}`.text);
      return { script: l.join(' && ') || 'true' };
    }
    case 'remove':
      return { script: sh`rm -rf -- ${change.path}`.text };
    case 'copytree': {
      // `dir/*` empties dir (keeps it); anything else is removed.
      const ex = (change.exclude ?? []).map((e) =>
        e.endsWith('/*') ? sh`find ${`${change.dest}/${e.slice(0, -2)}`} -mindepth 1 -delete`.text : sh`rm -rf -- ${`${change.dest}/${e}`}`.text,
      );
      return {
        script: [
          sh`if [ -e ${change.dest} ]; then echo ${`${change.dest} already exists: refusing to overwrite it`} >&2; exit 3; fi`.text,
          sh`cp -a -- ${change.src} ${change.dest}`.text,
          ...ex,
        ].join(' &&\n'),
      };
    }
    case 'exec':
      return { script: `( ${change.command}\n)` + (change.okCodes ? `; rc=$?; case " ${change.okCodes.join(' ')} 0 " in *" $rc "*) exit 0;; esac; exit $rc` : '') };
    case 'firewall':
      return { script: firewallScript(change) };
    case 'firewall-reload':
      return { script: firewallReloadScript() };
    case 'service': {
      const check = change.check ? `if ! { ${change.check}\n} >&2; then echo ${sh`${`configuration check failed: ${change.check}`}`.text} >&2; exit 3; fi` : '';
      const action = `${actionCommand(change.service, change.action)} >&2 || exit 1`;
      const run = change.keepDrained ? keepDrainedScript(change.keepDrained, action) : action;
      return { script: [check, waitPrelude(change.wait), run, waitScript(change.service.name, change.wait)].filter(Boolean).join('\n') };
    }
    case 'balancer':
      return { script: balancerScript(change.member, change.state, change.drainTimeoutMs) };
    case 'package': {
      const verb = change.state === 'present' ? 'install' : 'remove';
      const cmd = change.manager === 'apt' ? sh`DEBIAN_FRONTEND=noninteractive apt-get ${verb} -y -q ${change.name}` : sh`${change.manager} ${verb} -y -q ${change.name}`;
      return { script: cmd.text };
    }
  }
}

/** The full script: journal entry + backups (when journaling), then the change. */
export function changeScript(change: Change, journal?: { slot: JournalSlot; task: string; mask?: (s: string) => string; roll?: RollRecord }): ChangeScript {
  const b = body(change);
  if (!journal) return b;
  const { entry, paths } = entryFor(change, journal.slot, journal.task);
  if (journal.roll) entry.roll = journal.roll;
  // What people read in the journal (history, rollback output) is masked; what rollback runs is not.
  if (journal.mask) entry.summary = journal.mask(entry.summary);
  const pre = [journalPrelude(journal.slot, entry, paths)];
  if (change.kind === 'service') pre.push(serviceStatePrelude(statusCommand(change.service)));
  // The journal must be on disk before the change: stop at its first failure.
  return { script: `set -e\n${pre.join('\n')}\nset +e\n${b.script}`, stdin: b.stdin };
}
