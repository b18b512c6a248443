/**
 * How a host is reached, as OpenSSH would reach it given Ansible's command line: the options of
 * the ssh args and of ~/.ssh/config applied to the spec (HostName, User, Port, IdentityFile,
 * StrictHostKeyChecking, UserKnownHostsFile, ConnectTimeout), and the way in: directly, through
 * a jump host (ProxyJump, whose own connection is routed the same way), or a ProxyCommand.
 */
import { userInfo } from 'node:os';
import { ConnectError } from '../core/errors.ts';
import { addConfigFile, expandTokens, parseSshArgs } from './ssh-options.ts';
import type { ConnectionSpec } from './types.ts';

/** The spec to authenticate with, extra keys, and the way in. */
export interface Route {
  spec: ConnectionSpec;
  /** IdentityFile keys from the ssh args and ~/.ssh/config, tried after the spec's own key. */
  identityFiles: string[];
  /** The last jump host: the target is reached through a channel it opens. */
  via?: ConnectionSpec;
  /** A command whose stdin/stdout carry the connection. */
  proxyCommand?: string;
}

const KEY_CHECKING: Record<string, ConnectionSpec['hostKeyChecking']> = {
  yes: 'strict',
  ask: 'strict',
  'accept-new': 'accept-new',
  no: 'off',
  off: 'off',
};

/** One `[user@]host[:port]` or `ssh://[user@]host[:port]` of a ProxyJump list. */
export function parseJump(text: string): { user?: string; host: string; port?: number } {
  const m = /^(?:ssh:\/\/)?(?:([^@]+)@)?(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(text.trim());
  if (!m) throw new ConnectError(`cannot read the jump host \`${text}\``, { hint: 'ProxyJump takes [user@]host[:port], comma-separated' });
  return { ...(m[1] ? { user: m[1] } : {}), host: m[2]!.replace(/^\[|\]$/g, ''), ...(m[3] ? { port: Number(m[3]) } : {}) };
}

/** Resolve the route to `spec.host`. */
export function resolveRoute(spec: ConnectionSpec): Route {
  const o = parseSshArgs(spec.sshArgs ?? []);
  addConfigFile(spec.host, o.configFile ?? spec.sshConfigFile, o);
  const opt = o.options;
  const d = spec.defaulted ?? {};
  const user = d.user && opt.user ? opt.user : spec.user;
  const port = d.port && opt.port && /^\d+$/.test(opt.port) ? Number(opt.port) : spec.port;
  const tokens = { host: spec.host, port, user, original: spec.host };
  const host = opt.hostname ? expandTokens(opt.hostname, tokens) : spec.host;
  const t = { ...tokens, host };
  const out: ConnectionSpec = { ...spec, host, port, user };
  delete out.sshArgs;
  const checking = opt.stricthostkeychecking?.toLowerCase();
  if (d.hostKeyChecking && checking && KEY_CHECKING[checking]) out.hostKeyChecking = KEY_CHECKING[checking];
  if (!spec.knownHostsFile && opt.userknownhostsfile) out.knownHostsFile = expandTokens(opt.userknownhostsfile.split(/\s+/)[0]!, t);
  if (spec.connectTimeoutMs === undefined && /^\d+$/.test(opt.connecttimeout ?? ''))
    out.connectTimeoutMs = Number(opt.connecttimeout) * 1000;
  const route: Route = { spec: out, identityFiles: o.identityFiles.map((f) => expandTokens(f, t)) };
  // ProxyJump and ProxyCommand exclude each other; the first one obtained wins, as in ssh.
  const proxy = Object.keys(opt).find((k) => k === 'proxyjump' || k === 'proxycommand');
  const value = proxy ? opt[proxy]! : 'none';
  if (value.toLowerCase() === 'none') return route;
  if (proxy === 'proxycommand') return { ...route, proxyCommand: expandTokens(value, t) };
  const hops = value.split(',');
  const last = parseJump(hops[hops.length - 1]!);
  const rest = hops.slice(0, -1);
  route.via = {
    name: `${last.host} (jump host for ${spec.name})`,
    host: last.host,
    port: last.port ?? 22,
    user: last.user ?? userInfo().username,
    // Not in OpenSSH (ssh -J passes no -i): the target's key is offered to the jump host too.
    ...(spec.privateKeyFile ? { privateKeyFile: spec.privateKeyFile } : {}),
    ...(spec.passphrase !== undefined ? { passphrase: spec.passphrase } : {}),
    agent: spec.agent ?? true,
    become: false,
    hostKeyChecking: out.hostKeyChecking,
    ...(out.knownHostsFile ? { knownHostsFile: out.knownHostsFile } : {}),
    ...(out.connectTimeoutMs !== undefined ? { connectTimeoutMs: out.connectTimeoutMs } : {}),
    connectAttempts: spec.connectAttempts ?? 1,
    ...((o.configFile ?? spec.sshConfigFile) ? { sshConfigFile: o.configFile ?? spec.sshConfigFile } : {}),
    defaulted: { user: !last.user, port: !last.port, hostKeyChecking: d.hostKeyChecking },
    // Earlier hops of the list are this jump's own ProxyJump.
    ...(rest.length ? { sshArgs: ['-J', rest.join(',')] } : {}),
  };
  return route;
}
