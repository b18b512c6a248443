/** `firewall`: a port (or a rich rule for one source) opened or closed, permanent and runtime. */
import { firewallScript } from '../firewall-script.ts';
import { restoreStep, type ChangeDef, type EntryOf } from '../change-kind.ts';

/** Journal entry of a firewall change: the zone (its files are the backups). */
export type FirewallEntry = EntryOf<'firewall', { zone: string }>;

/** firewalld keeps the permanent zone in /etc/firewalld/zones/<zone>.xml (+ .old): back up both. */
export const zoneFiles = (zone: string): string[] => [`/etc/firewalld/zones/${zone}.xml`, `/etc/firewalld/zones/${zone}.xml.old`];

/** The `firewall` change kind. */
export const firewall: ChangeDef<'firewall', FirewallEntry> = {
  kind: 'firewall',
  script: (c) => ({ script: firewallScript(c) }),
  journal: (c) => ({ fields: { zone: c.zone }, paths: zoneFiles(c.zone) }),
  learn(cache, c) {
    for (const key of ['permanent', 'runtime'] as const) {
      const req = { type: 'firewall' as const, zone: c.zone };
      if (!cache.has(req)) continue;
      const fw = cache.get(req);
      const ports = c.state === 'present' ? [...new Set([...fw[key], c.port])] : fw[key].filter((p) => p !== c.port);
      cache.set(req, { ...fw, [key]: ports });
    }
  },
  undo: restoreStep,
  reloadsFirewall: true,
};
