/**
 * Privilege escalation with sudo. The wrapped command first prints a random marker on stdout:
 * the marker proves sudo succeeded, so the password is written only when sudo prompts for it
 * (our own random prompt on stderr), and the command's stdin is written only after the marker.
 */
import { randomBytes } from 'node:crypto';
import { quote } from '../core/quote.ts';
import type { ConnectionSpec } from './types.ts';

/** A sudo-wrapped command plus what the exec loop needs to drive it. */
export interface BecomeWrap {
  command: string;
  /** Line printed on stdout once sudo has started the command. */
  marker: string;
  /** sudo's password prompt (on stderr); only set when a password is given. */
  prompt?: string;
  password?: string;
  /** The target user, for messages. */
  user: string;
}

/** Whether a command must go through sudo on this connection. */
export function needsBecome(spec: ConnectionSpec, become: boolean | undefined): boolean {
  if (!(become ?? spec.become)) return false;
  const target = spec.becomeUser ?? 'root';
  return target !== spec.user;
}

/**
 * Wrap `command` as `sudo -H -S -p <prompt> -u <user> -- sh -c <'echo marker; command'>`
 * (`-n` instead of `-S -p` without a password, so sudo fails fast rather than waiting).
 */
export function wrapBecome(spec: ConnectionSpec, command: string): BecomeWrap {
  const id = randomBytes(8).toString('hex');
  const marker = `PROVISION-BECOME-OK-${id}`;
  const user = spec.becomeUser ?? 'root';
  const inner = `echo ${marker}; ${command}`;
  const tail = `-u ${quote(user)} -- sh -c ${quote(inner)}`;
  if (spec.becomePassword === undefined) {
    return { command: `sudo -H -n ${tail}`, marker, user };
  }
  const prompt = `[provision-sudo-${id}] password: `;
  return { command: `sudo -H -S -p ${quote(prompt)} ${tail}`, marker, prompt, password: spec.becomePassword, user };
}
