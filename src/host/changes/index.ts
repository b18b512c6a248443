/**
 * The registry of change kinds: kind → what it is on the host. A new kind is one file beside this
 * one (its data declared there into `MoreChanges` of core/change.ts, its `ChangeDef` exported) plus
 * one line below; the compiler refuses a `Change` kind with no entry here.
 */
import type { ChangeKind } from '../../core/change.ts';
import type { ChangeDef, EntryOf } from '../change-kind.ts';
import { attrs } from './attrs.ts';
import { balancer } from './balancer.ts';
import { copytree } from './copytree.ts';
import { exec } from './exec.ts';
import { firewallReload } from './firewall-reload.ts';
import { firewall } from './firewall.ts';
import { mkdir } from './mkdir.ts';
import { pkg } from './package.ts';
import { remove } from './remove.ts';
import { service } from './service.ts';
import { stagedCheck } from './staged-check.ts';
import { systemdReload } from './systemd-reload.ts';
import { uri } from './uri.ts';
import { wait } from './wait.ts';
import { write } from './write.ts';

/** Every change kind, by name. */
export const CHANGES = {
  write,
  mkdir,
  attrs,
  remove,
  copytree,
  exec,
  firewall,
  'firewall-reload': firewallReload,
  service,
  package: pkg,
  balancer,
  'systemd-reload': systemdReload,
  'staged-check': stagedCheck,
  wait,
  uri,
} satisfies { [K in ChangeKind]: ChangeDef<K, any> };

type EntryOfDef<D> = D extends ChangeDef<any, infer E> ? E : never;

/** A journal entry as written on the host before its change: one member per change kind. */
export type JournalEntry = { [K in ChangeKind]: EntryOfDef<(typeof CHANGES)[K]> }[ChangeKind];

/** Any kind's definition, seen from the engine (which passes each kind only its own changes). */
export type AnyChangeDef = ChangeDef<ChangeKind, EntryOf<ChangeKind, object>>;

/** The definition of a kind; undefined for a kind this version does not know (an entry from a newer one). */
export function changeDef(kind: string): AnyChangeDef | undefined {
  return Object.hasOwn(CHANGES, kind) ? (CHANGES[kind as ChangeKind] as unknown as AnyChangeDef) : undefined;
}
