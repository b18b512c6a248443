/**
 * `balancer`: a member's runtime state in an Apache balancer, set through balancer-manager on the
 * Apache host (see balancer-script.ts); nothing is written to Apache's config. A drain is undone by
 * enabling the member again; an enable needs no undo (rollback's own roll drains and enables).
 */
import type { BalancerMemberRef } from '../../core/change.ts';
import { balancerScript } from '../balancer-script.ts';
import { type ChangeDef, type EntryOf } from '../change-kind.ts';

declare module '../../core/change.ts' {
  interface MoreChanges {
    balancer: {
      /**
       * A balancer member's runtime state through mod_proxy_balancer's balancer-manager: no
       * Apache restart, nothing written to its config. `disabled` also waits until the member's
       * in-flight requests are done (Busy 0), bounded by `drainTimeoutMs`.
       */
      kind: 'balancer';
      member: BalancerMemberRef;
      state: 'disabled' | 'enabled';
      drainTimeoutMs?: number;
    };
  }
}

/** Journal entry of a balancer change: the member and the state set. */
export type BalancerEntry = EntryOf<'balancer', { member: BalancerMemberRef; state: 'disabled' | 'enabled' }>;

/** The `balancer` change kind. */
export const balancer: ChangeDef<'balancer', BalancerEntry> = {
  kind: 'balancer',
  script: (c) => ({ script: balancerScript(c.member, c.state, c.drainTimeoutMs) }),
  journal: (c) => ({ fields: { member: c.member, state: c.state }, paths: [] }),
  // Another daemon's runtime state: no fact of this host reads it.
  learn() {},
  undo: (e) =>
    e.state === 'disabled'
      ? {
          action: 'undo',
          paths: [],
          command: balancerScript(e.member, 'enabled'),
          text: `enable ${e.member.route} again in balancer://${e.member.balancer}`,
        }
      : { action: 'skip', paths: [], text: `${e.summary}: nothing to undo` },
  hint: (code) =>
    code === 77
      ? 'the member still had requests in flight: it was enabled again and not stopped; raise drain_timeout or retry when traffic is lower'
      : undefined,
};
