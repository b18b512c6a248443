/** Helpers for the recipe's end-to-end tests: run the CLI, checksum the trees, talk to the counter app. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { parse, stringify } from 'yaml';
import type { TestLab } from './lab.ts';
import { expectValidOutput } from './schema.ts';

export const BIN = join(import.meta.dirname, '../../bin/provision.js');

/** A copy of the lab's inventory, written in `dir`, with `hostVars` set on `host`; its path. */
export function inventoryWith(lab: TestLab, host: string, dir: string, hostVars: Record<string, unknown>): string {
  const inv = parse(readFileSync(lab.info.inventoryPath, 'utf8'));
  Object.assign(inv.all.hosts[host], hostVars);
  const p = join(dir, `inv-${Math.random().toString(36).slice(2)}.yml`);
  writeFileSync(p, stringify(inv));
  return p;
}

export interface CliResult {
  code: number;
  out: string;
  /** The --json document, when asked for and printed. */
  json?: { runId?: string; recap: Record<string, { ok: number; changed: number; failed: number; roundTrips: number }>; plays: unknown[] };
}

/** Run `provision` as a user would (plain output: CI=true, no TTY); a --json document must validate against the schema. */
export async function cli(args: string[], timeoutMs = 600_000): Promise<CliResult> {
  const r = await execa('node', [BIN, ...args], { reject: false, timeout: timeoutMs, env: { CI: 'true' } });
  const out = `${r.stdout}\n${r.stderr}`;
  let json: CliResult['json'];
  if (args.includes('--json')) {
    try {
      json = JSON.parse(String(r.stdout));
    } catch {
      json = undefined;
    }
    if (json !== undefined) expectValidOutput(json, `provision ${args.join(' ')}`);
  }
  return { code: r.exitCode ?? -1, out, json };
}

/** sha256 of every file a run may touch (logs and work dirs aside, which a running Tomcat writes). */
export const TREES = '/opt /usr/local/apache2 /etc/firewalld';
/** The same on the lab's rhel layout, systemd units (files and enablement links) included. */
export const RHEL_TREES = '/opt /etc/httpd /etc/firewalld /etc/systemd/system';
export async function checksums(lab: TestLab, host: string, trees = TREES): Promise<string> {
  const links = await lab.exec(host, `find ${trees} -type l -printf '%p -> %l\\n' | sort`);
  const r = await lab.exec(
    host,
    `find ${trees} -type f -not -path '*/logs/*' -not -path '*/work/*' -not -path '*/temp/*' -not -name '*.pid' -print0 ` +
      '| sort -z | xargs -0 sha256sum',
  );
  return `${r.stdout}\n${links.stdout}`;
}

/** PIDs of the host's Tomcats, by CATALINA_BASE. */
export async function tomcatPids(lab: TestLab, host: string): Promise<string> {
  const script =
    'pgrep -x java | while read p; do ' +
    "echo \"$p $(tr '\\0' ' ' < /proc/$p/cmdline | sed -E 's/.*-Dcatalina[.]base=([^ ]+).*/\\1/')\"; " +
    'done | sort -k2';
  return (await lab.exec(host, script)).stdout;
}

export interface Counter {
  count: number;
  route: string;
  sessionId: string;
}

/** A browser-like client of the counter app: keeps its cookie; each request bounded to 15 s. */
export class CounterClient {
  cookie?: string;
  constructor(readonly url: string) {}
  async hit(): Promise<Counter> {
    const res = await fetch(this.url, { headers: this.cookie ? { cookie: this.cookie } : {}, signal: AbortSignal.timeout(15_000) });
    const set = res.headers.getSetCookie().find((c) => c.startsWith('JSESSIONID='));
    if (set) this.cookie = set.split(';')[0];
    if (!res.ok) throw new Error(`${this.url}: HTTP ${res.status}`);
    return (await res.json()) as Counter;
  }
}
