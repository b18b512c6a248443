/**
 * A trap real clusters fall into: the cluster receiver bound to a loopback address. `auto` makes
 * Tomcat take the address of the host's name (InetAddress.getLocalHost), which is 127.0.1.1 or
 * 127.0.0.1 wherever /etc/hosts maps the hostname there (Vagrant boxes, many cloud images): every
 * member then announces loopback and no session is ever replicated. Caught before any change.
 */
import { OperationError } from '../../core/errors.ts';
import { fact, type FactRequest, type Facts } from '../../facts/types.ts';
import { getFact } from '../generic/get-fact.ts';
import type { PlanContext } from '../types.ts';

/** What the host's own name resolves to first (as the JVM's getLocalHost sees it, through NSS). */
export const HOSTNAME_ADDRESS = 'h=$(hostname); echo "$h $(getent hosts "$h" | head -n 1 | cut -d " " -f 1)"';

const isLoopback = (a: string): boolean => /^127\./.test(a) || a === '::1' || a === 'localhost' || /^localhost\./.test(a);

/** The fact needed when any receiver address is `auto`. */
export function loopbackFacts(addresses: string[]): FactRequest[] {
  return addresses.includes('auto') ? [fact.command(HOSTNAME_ADDRESS)] : [];
}

/** Refuse a receiver `address` that is, or (`auto`) resolves to, a loopback address. */
export function checkNotLoopback(address: string, file: string, facts: Facts, ctx: PlanContext): void {
  const hint =
    'set cluster_address (the receiver address) to the address the other members reach this host on, ' +
    'e.g. its ansible_host, or map the hostname to that address in /etc/hosts';
  if (isLoopback(address)) {
    throw new OperationError(`${file} on ${ctx.host}: the cluster receiver would listen on ${address}, a loopback address`, { hint });
  }
  if (address !== 'auto') return;
  const out = getFact.command(facts, HOSTNAME_ADDRESS).stdout.trim();
  const [name, resolved] = out.split(' ');
  if (resolved && isLoopback(resolved)) {
    throw new OperationError(
      `${file} on ${ctx.host}: the cluster receiver address "auto" is the address of the hostname ${name}, ` +
        `which /etc/hosts maps to ${resolved} (loopback): the other members could never reach it`,
      { hint },
    );
  }
}
