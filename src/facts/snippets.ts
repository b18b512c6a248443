/**
 * The shell that reads each fact, and the parser of what it prints. Snippets are POSIX sh with
 * coreutils only (CentOS 7 has no Python to rely on), and every value in them goes through `sh`.
 */
import { sh } from '../core/quote.ts';
import { statFact } from './file-batch.ts';
import type { FactRequest, FactValueMap } from './types.ts';

type Parser<T> = (out: Buffer, req: FactRequest) => T;

const FWD = 'org.fedoraproject.FirewallD1';
const FWD_PATH = '/org/fedoraproject/FirewallD1';

/** The shell snippet that prints the raw answer for one request. */
export function snippetFor(req: FactRequest): string {
  switch (req.type) {
    case 'file':
      // One line of stat, one sha256, then the content in base64 when asked for.
      return (
        sh`p=${req.path}; if [ -e "$p" ] || [ -L "$p" ]; then stat -c '%F|%a|%U|%G|%s' -- "$p"; `.text +
        // From stdin: sha256sum escapes a name holding a newline or a backslash (a leading backslash on its line).
        'if [ -f "$p" ] && [ ! -L "$p" ]; then sha256sum < "$p" | cut -c1-64; else echo -; fi; ' +
        (req.content ? sh`[ -f "$p" ] && base64 -w0 -- "$p"; echo; `.text : '') +
        'else echo absent; fi'
      );
    case 'command':
      return `{ ${req.command}\n} 2>/dev/null; echo "@rc=$?"`;
    case 'os':
      return [
        '. /etc/os-release 2>/dev/null; echo "id=${ID:-unknown}"; echo "version=${VERSION_ID:-}"',
        'echo "hostname=$(hostname 2>/dev/null || cat /etc/hostname)"; echo "user=$(id -un)"',
        'for m in dnf yum apt-get; do command -v $m >/dev/null 2>&1 && { echo "pm=$m"; break; }; done',
        '[ -d /run/systemd/system ] && echo systemd=1',
        'ip -4 -o addr show 2>/dev/null | awk \'{print "addr=" $4}\'',
      ].join('; ');
    case 'system':
      return [
        '. /etc/os-release 2>/dev/null; echo "id=${ID:-}"; echo "like=${ID_LIKE:-}"; echo "version=${VERSION_ID:-}"; echo "name=${NAME:-}"',
        'echo "hostname=$(hostname -s 2>/dev/null || cat /etc/hostname)"; echo "fqdn=$(hostname -f 2>/dev/null || hostname)"',
        'echo "arch=$(uname -m)"; echo "kernel=$(uname -r)"',
        // The route to a public address says which interface and source address are the default.
        'echo "route=$(ip -4 route get 1.0.0.0 2>/dev/null | head -n1)"',
        // Without a default route (an isolated network): the first global address, as the host's own.
        'ip -4 -o addr show scope global 2>/dev/null | awk \'NR==1{sub(/\\/.*/, "", $4); print "addr=" $2 " " $4}\'',
      ].join('; ');
    case 'firewall': {
      // firewall-cmd starts Python (~0.2-0.5 s a call); dbus-send asks the running firewalld in
      // milliseconds. One D-Bus call gives the runtime ports (and that it runs); the permanent
      // ports come from the zone's file (/etc/firewalld/zones, else the shipped /usr/lib one),
      // which is what firewalld loads and writes. A zone file with rich rules, attributes not in
      // firewalld's own quoting, or no zone file: the permanent config is asked over D-Bus instead.
      // firewall-cmd remains the fallback without dbus-send.
      const z = sh`--zone=${req.zone}`.text;
      const zs = sh`string:${req.zone}`.text;
      const etc = sh`/etc/firewalld/zones/${req.zone}.xml`.text;
      const lib = sh`/usr/lib/firewalld/zones/${req.zone}.xml`.text;
      const pairs = (key: string) => `awk -F'"' '/string/{v[n++]=$2} END{for(i=0;i+1<n;i+=2) print "${key}=" v[i] "/" v[i+1]}'`;
      // One record per tag; exit 3 (print nothing) on anything it does not read exactly.
      const filePorts =
        `awk 'BEGIN{RS=">"} /<rule([ \\t\\r\\n\\/]|$)/{bad=1; exit} /<port[ \\t\\r\\n]/{` +
        `if (!match($0, /[ \\t\\r\\n]port="[^"]*"/)) {bad=1; exit} p=substr($0, RSTART+7, RLENGTH-8); ` +
        `if (!match($0, /[ \\t\\r\\n]protocol="[^"]*"/)) {bad=1; exit} o=o "pport=" p "/" substr($0, RSTART+11, RLENGTH-12) "\\n"} ` +
        `END{if (bad) exit 3; printf "%s", o}' "$F"`;
      return [
        'if command -v firewall-cmd >/dev/null 2>&1; then echo installed=1',
        'if command -v dbus-send >/dev/null 2>&1; then',
        `D="dbus-send --system --print-reply --dest=${FWD}"`,
        `if R=$($D ${FWD_PATH} ${FWD}.zone.getPorts ${zs} 2>/dev/null); then echo state=running`,
        `printf '%s\\n' "$R" | ${pairs('rport')}`,
        `F=${etc}; [ -f "$F" ] || F=${lib}`,
        `if ! { [ -f "$F" ] && O=$(${filePorts}); }; then`,
        `P=$(dbus-send --system --print-reply=literal --dest=${FWD} ${FWD_PATH}/config ${FWD}.config.getZoneByName ${zs} | tr -d ' ')`,
        `$D "$P" ${FWD}.config.zone.getPorts | ${pairs('pport')}`,
        `$D "$P" ${FWD}.config.zone.getRichRules | sed -n 's/^ *string "\\(.*\\)"$/rich=\\1/p'`,
        `elif [ -n "$O" ]; then printf '%s\\n' "$O"; fi`,
        // getPorts fails for a zone firewalld does not know too: then it runs, with no ports.
        `elif $D ${FWD_PATH} ${FWD}.getDefaultZone >/dev/null 2>&1; then echo state=running`,
        'else echo state=not-running; fi',
        'else',
        'echo "state=$(firewall-cmd --state 2>&1)"',
        `for p in $(firewall-cmd --permanent ${z} --list-ports 2>/dev/null); do echo "pport=$p"; done`,
        `for p in $(firewall-cmd ${z} --list-ports 2>/dev/null); do echo "rport=$p"; done`,
        `firewall-cmd --permanent ${z} --list-rich-rules 2>/dev/null | sed 's/^/rich=/'`,
        'fi; fi',
      ].join('\n');
    }
    case 'service':
      return req.status
        ? `{ ${req.status}\n} >/dev/null 2>&1; echo "@rc=$?"`
        : sh`systemctl is-active --quiet ${req.name} 2>/dev/null; echo "@rc=$?"`.text;
    case 'package':
      return req.manager === 'apt'
        ? sh`dpkg-query -W -f ${'${Status}|${Version}'} ${req.name} 2>/dev/null`.text
        : sh`rpm -q --qf ${'%{VERSION}-%{RELEASE}'} ${req.name} 2>/dev/null && echo`.text;
  }
}

function kv(out: Buffer): Map<string, string[]> {
  const m = new Map<string, string[]>();
  for (const line of out.toString('utf8').split('\n')) {
    const i = line.indexOf('=');
    if (i < 0) continue;
    const k = line.slice(0, i);
    m.set(k, [...(m.get(k) ?? []), line.slice(i + 1)]);
  }
  return m;
}

function rcOf(text: string): { code: number; stdout: string } {
  const i = text.lastIndexOf('@rc=');
  return { code: i < 0 ? 255 : Number(text.slice(i + 4).trim()), stdout: i < 0 ? text : text.slice(0, i) };
}

const parsers: { [K in keyof FactValueMap]: Parser<FactValueMap[K]> } = {
  file(out, req) {
    const path = (req as { path: string }).path;
    const [statLine = '', sum = '', b64] = out.toString('utf8').split('\n');
    if (statLine === 'absent' || statLine === '') {
      return { path, exists: false, type: null, mode: null, owner: null, group: null, size: null, sha256: null };
    }
    const f = statFact(path, statLine.split('|'), sum === '-' ? null : sum);
    if ((req as { content?: boolean }).content && f.type === 'file') f.content = Buffer.from(b64 ?? '', 'base64');
    return f;
  },
  command: (out) => rcOf(out.toString('utf8')),
  os(out) {
    const m = kv(out);
    const pm = m.get('pm')?.[0];
    return {
      id: m.get('id')?.[0] ?? 'unknown',
      version: m.get('version')?.[0] ?? '',
      hostname: m.get('hostname')?.[0] ?? '',
      user: m.get('user')?.[0] ?? '',
      packageManager: pm === 'apt-get' ? 'apt' : pm === 'yum' || pm === 'dnf' ? pm : null,
      systemd: m.has('systemd'),
      addresses: (m.get('addr') ?? []).map((a) => a.split('/')[0] ?? a).filter((a) => !a.startsWith('127.')),
    };
  },
  system(out) {
    const m = kv(out);
    const one = (k: string) => m.get(k)?.[0] ?? '';
    const route = one('route');
    const word = (w: string) => new RegExp(`\\b${w} (\\S+)`).exec(route)?.[1] ?? '';
    return {
      id: one('id'),
      like: one('like'),
      version: one('version'),
      name: one('name'),
      hostname: one('hostname'),
      fqdn: one('fqdn'),
      architecture: one('arch'),
      kernel: one('kernel'),
      defaultIpv4: word('src')
        ? { address: word('src'), interface: word('dev'), gateway: word('via') }
        : one('addr')
          ? { address: one('addr').split(' ')[1] ?? '', interface: one('addr').split(' ')[0] ?? '', gateway: '' }
          : null,
    };
  },
  firewall(out) {
    const m = kv(out);
    return {
      installed: m.has('installed'),
      running: m.get('state')?.[0]?.trim() === 'running',
      permanent: m.get('pport') ?? [],
      runtime: m.get('rport') ?? [],
      richRules: m.get('rich') ?? [],
    };
  },
  service: (out) => ({ running: rcOf(out.toString('utf8')).code === 0 }),
  package(out, req) {
    const text = out.toString('utf8').trim();
    if ((req as { manager: string }).manager === 'apt') {
      const [status = '', version = ''] = text.split('|');
      return { version: status.endsWith(' installed') ? version : null };
    }
    return { version: text && !text.includes('not installed') ? text : null };
  },
};

export function parseFact<R extends FactRequest>(req: R, out: Buffer): FactValueMap[R['type']] {
  return (parsers[req.type] as Parser<FactValueMap[R['type']]>)(out, req);
}
