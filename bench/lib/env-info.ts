/** The machine and tool versions, for the report's header. */
import { cpus, totalmem } from 'node:os';
import { readFileSync } from 'node:fs';
import { execa } from 'execa';
import { REPO } from './tools.ts';

async function out(cmd: string, args: string[]): Promise<string> {
  const r = await execa(cmd, args, { reject: false, all: true, timeout: 30_000 });
  return (r.all ?? '').trim();
}

export async function machineInfo(): Promise<Record<string, string>> {
  const os = /PRETTY_NAME="([^"]+)"/.exec(readFileSync('/etc/os-release', 'utf8'))?.[1] ?? 'unknown';
  return {
    cpu: `${cpus()[0]?.model ?? 'unknown'} × ${cpus().length}`,
    memory: `${(totalmem() / 2 ** 30).toFixed(0)} GiB`,
    os,
    kernel: await out('uname', ['-r']),
    'load at start (1/5/15 min)': readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' '),
  };
}

export async function versions(): Promise<Record<string, string>> {
  const ansible = await out('ansible-playbook', ['--version']);
  const coll = await out('ansible-galaxy', ['collection', 'list']);
  const pick = (name: string) => new RegExp(`^${name.replace('.', '\\.')}\\s+(\\S+)`, 'm').exec(coll)?.[1] ?? 'missing';
  const pkg = await out('dpkg-query', ['-W', '-f', '${Version}', 'ansible']);
  return {
    provision:
      `${JSON.parse(readFileSync(`${REPO}/package.json`, 'utf8')).version} ` +
      `(git ${await out('git', ['-C', REPO, 'rev-parse', '--short', 'HEAD'])})`,
    node: process.version,
    tsx: JSON.parse(readFileSync(`${REPO}/node_modules/tsx/package.json`, 'utf8')).version,
    'ansible-core': /ansible-playbook \[core ([^\]]+)\]/.exec(ansible)?.[1] ?? 'missing',
    'Debian ansible package': pkg || 'missing',
    'community.general': pick('community.general'),
    'ansible.posix': pick('ansible.posix'),
    python: /python version = (\S+)/.exec(ansible)?.[1] ?? 'unknown',
    OpenSSH: (await out('ssh', ['-V'])).split(',')[0] ?? '',
  };
}
