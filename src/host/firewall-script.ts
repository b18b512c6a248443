/**
 * firewalld changes. firewall-cmd starts Python for every call (~0.3 s each); the same requests
 * over D-Bus with dbus-send take milliseconds, so dbus-send is used when the host has it and
 * firewall-cmd otherwise. Both change the runtime and the permanent configuration.
 */
import type { Change } from '../core/change.ts';
import { sh } from '../core/quote.ts';

const FWD = 'org.fedoraproject.FirewallD1';
const PATH = '/org/fedoraproject/FirewallD1';

/** `fw ARGS…`: one dbus-send call; "already enabled"/"not enabled" mean there is nothing to do. */
const FW_FN =
  `fw() { o=$(dbus-send --system --print-reply --dest=${FWD} "$@" 2>&1) || ` +
  'case $o in *ALREADY_ENABLED*|*NOT_ENABLED*) ;; *) echo "$o" >&2; return 1;; esac; }';

/** Shell that opens or closes one port (or rich rule), permanent then runtime. */
export function firewallScript(change: Extract<Change, { kind: 'firewall' }>): string {
  const [port = '', proto = 'tcp'] = change.port.split('/');
  const add = change.state === 'present';
  const rule = change.source ? `rule family="ipv4" source address="${change.source}" port port="${port}" protocol="${proto}" accept` : '';
  const z = sh`--zone=${change.zone}`.text;
  const cmdArg = rule ? sh`--${add ? 'add' : 'remove'}-rich-rule=${rule}`.text : sh`--${add ? 'add' : 'remove'}-port=${change.port}`.text;
  const runtime = rule
    ? sh`${PATH} ${`${FWD}.zone.${add ? 'addRichRule' : 'removeRichRule'}`} ${`string:${change.zone}`} ${`string:${rule}`}`.text +
      (add ? ' int32:0' : '')
    : sh`${PATH} ${`${FWD}.zone.${add ? 'addPort' : 'removePort'}`} ${`string:${change.zone}`} ${`string:${port}`} ${`string:${proto}`}`
        .text + (add ? ' int32:0' : '');
  const permanent = rule
    ? sh`"$P" ${`${FWD}.config.zone.${add ? 'addRichRule' : 'removeRichRule'}`} ${`string:${rule}`}`.text
    : sh`"$P" ${`${FWD}.config.zone.${add ? 'addPort' : 'removePort'}`} ${`string:${port}`} ${`string:${proto}`}`.text;
  return [
    'if command -v dbus-send >/dev/null 2>&1; then',
    FW_FN,
    sh`P=$(dbus-send --system --print-reply=literal --dest=${FWD} ${`${PATH}/config`} `.text +
      sh`${`${FWD}.config.getZoneByName`} ${`string:${change.zone}`} | tr -d ' ') || exit 1`.text,
    `fw ${permanent} && fw ${runtime}`,
    'else',
    `firewall-cmd --permanent ${z} ${cmdArg} >/dev/null && firewall-cmd ${z} ${cmdArg} >/dev/null`,
    'fi',
  ].join('\n');
}

/** Shell that reloads firewalld. */
export function firewallReloadScript(): string {
  return [
    'if command -v dbus-send >/dev/null 2>&1',
    `then dbus-send --system --print-reply --dest=${FWD} ${PATH} ${FWD}.reload >/dev/null`,
    'else firewall-cmd --reload >/dev/null',
    'fi',
  ].join('; ');
}
