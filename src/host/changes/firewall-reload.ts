/** `firewall-reload`: firewalld reloads its permanent configuration into the runtime one. */
import { firewallReloadScript } from '../firewall-script.ts';
import { restoreStep, type ChangeDef, type EntryOf } from '../change-kind.ts';
import { zoneFiles } from './firewall.ts';

/** Journal entry of a reload: the zone whose files are backed up (always `public`). */
export type FirewallReloadEntry = EntryOf<'firewall-reload', { zone: string }>;

/** The `firewall-reload` change kind. */
export const firewallReload: ChangeDef<'firewall-reload', FirewallReloadEntry> = {
  kind: 'firewall-reload',
  script: () => ({ script: firewallReloadScript() }),
  journal: () => ({ fields: { zone: 'public' }, paths: zoneFiles('public') }),
  learn: () => undefined,
  undo: restoreStep,
  reloadsFirewall: true,
};
