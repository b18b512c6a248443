/**
 * The instance environment (recipe step 2) as a marked block, so it is found again (idempotent)
 * and can be told apart from the user's lines: near the top of bin/catalina.sh (after the
 * shebang and the license comment), or as bin/setenv.sh (Tomcat's documented place).
 */
import { quote } from '../../core/quote.ts';

export const ENV_MARKER = 'provision instance env';

/** The variables of one instance. */
export interface InstanceEnv {
  /** CATALINA_HOME (and TOMCAT_HOME unless `tomcatHome` says otherwise). */
  catalinaHome: string;
  /** CATALINA_BASE (default: catalinaHome). */
  catalinaBase?: string;
  tomcatHome?: string;
  /** CATALINA_PID (default: <base>/bin/tomcat.pid). */
  pidFile?: string;
}

/** The block's lines, BEGIN and END markers included. */
export function envBlock(env: InstanceEnv): string[] {
  const base = env.catalinaBase ?? env.catalinaHome;
  return [
    `# BEGIN ${ENV_MARKER}`,
    `export CATALINA_HOME=${quote(env.catalinaHome)}`,
    `export CATALINA_BASE=${quote(base)}`,
    `export TOMCAT_HOME=${quote(env.tomcatHome ?? env.catalinaHome)}`,
    `export CATALINA_PID=${quote(env.pidFile ?? `${base}/bin/tomcat.pid`)}`,
    `# END ${ENV_MARKER}`,
  ];
}

function replaceExisting(lines: string[], block: string[]): string[] | undefined {
  const b = lines.indexOf(block[0]!);
  const e = lines.indexOf(block[block.length - 1]!, b + 1);
  if (b < 0 || e < 0) return undefined;
  return [...lines.slice(0, b), ...block, ...lines.slice(e + 1)];
}

/** catalina.sh with the block after the shebang and the first comment block (the license). */
export function ensureEnvInCatalinaSh(script: string, env: InstanceEnv): string {
  const eol = script.includes('\r\n') ? '\r\n' : '\n';
  const lines = script.split(/\r?\n/);
  const block = envBlock(env);
  const replaced = replaceExisting(lines, block);
  if (replaced) return replaced.join(eol);
  let i = lines[0]?.startsWith('#!') ? 1 : 0;
  while (i < lines.length && lines[i]!.trim() === '') i++;
  while (i < lines.length && lines[i]!.startsWith('#')) i++;
  return [...lines.slice(0, i), '', ...block, ...lines.slice(i)].join(eol);
}

/** setenv.sh content: the block added to (or updated in) the existing file, or a new file. */
export function ensureEnvInSetenv(existing: string | null, env: InstanceEnv): string {
  const block = envBlock(env);
  if (existing === null || existing === '') return ['#!/bin/sh', ...block, ''].join('\n');
  const eol = existing.includes('\r\n') ? '\r\n' : '\n';
  const lines = existing.split(/\r?\n/);
  const replaced = replaceExisting(lines, block);
  if (replaced) return replaced.join(eol);
  const body = existing.endsWith('\n') ? existing : existing + eol;
  return body + block.join(eol) + eol;
}
