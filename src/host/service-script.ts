/** Shell for starting/stopping services and waiting until they answer, bounded in time. */
import type { ServiceSpec, WaitSpec } from '../core/change.ts';
import { quote, sh } from '../core/quote.ts';

function asUser(cmd: string, user?: string): string {
  // Detach stdin/stdout so a daemon that forks does not hold the SSH channel open.
  const detached = `( ${cmd}\n) </dev/null`;
  return user && user !== 'root' ? sh`su -s /bin/sh ${user} -c ${detached}`.text : detached;
}

/** Shell that exits 0 while the service runs. */
export function statusCommand(s: ServiceSpec): string {
  return s.status ?? sh`systemctl is-active --quiet ${s.name}`.text;
}

/** Shell that starts, stops, restarts or reloads the service (its own commands, or systemd). */
export function actionCommand(s: ServiceSpec, action: 'start' | 'stop' | 'restart' | 'reload'): string {
  if (!s.start) return sh`systemctl ${action} ${s.name}`.text;
  const start = asUser(s.start, s.user);
  const stop = s.stop ? asUser(s.stop, s.user) : 'false';
  switch (action) {
    case 'start':
      return start;
    case 'stop':
      // A stop script (catalina.sh stop) returns before the process is gone: wait for it, bounded.
      return (
        `${stop} || exit 1; ${waitGone(s)}; ` +
        `if { ${statusCommand(s)}\n} >/dev/null 2>&1; then echo ${quote(`${s.name} did not stop within 60s`)} >&2; exit 1; fi`
      );
    case 'restart':
      // Stop only if running, then wait for it to be gone before starting again.
      return `if { ${statusCommand(s)}\n} >/dev/null 2>&1; then ${stop} || exit 1; ${waitGone(s)}; fi; ${start}`;
    case 'reload':
      return s.reload ? asUser(s.reload, s.user) : `${stop}; ${waitGone(s)}; ${start}`;
  }
}

function waitGone(s: ServiceSpec): string {
  return `i=0; while { ${statusCommand(s)}\n} >/dev/null 2>&1 && [ $i -lt 120 ]; do sleep 0.5; i=$((i+1)); done`;
}

/** Record the log's size before a start so the wait only matches lines written after it. */
/** A wait that also fails on `extra` in the log (a rolling unit's state-transfer failure while peers run). */
export function withFailPattern(w: WaitSpec | undefined, extra: string | undefined): WaitSpec | undefined {
  if (!w || !extra) return w;
  return { ...w, failPattern: w.failPattern ? `${w.failPattern}|${extra}` : extra };
}

export function waitPrelude(w?: WaitSpec): string {
  if (!w?.logFile) return '';
  return sh`W0=$(stat -c %s ${w.logFile} 2>/dev/null || echo 0)`.text;
}

/** How long a start waits when its wait sets no timeout. */
export const WAIT_TIMEOUT_MS = 120_000;

/** What a wait waits for, in words: `port 8081 and /memberAdded/ in its log`; empty when nothing. */
export function waitText(w: WaitSpec): string {
  return [w.port && `port ${w.port}`, w.url, w.logFile && w.pattern && `/${w.pattern}/ in its log`].filter(Boolean).join(' and ');
}

/** A bounded loop until the port / URL / log pattern answers; exits 75 with a message on timeout. */
export function waitScript(name: string, w?: WaitSpec): string {
  if (!w || (!w.port && !w.url && !w.logFile)) return '';
  const probes: string[] = [];
  if (w.port) probes.push(sh`bash -c ${`exec 3<>/dev/tcp/${w.address ?? '127.0.0.1'}/${w.port}`} 2>/dev/null`.text);
  if (w.url) probes.push(sh`curl -fs -o /dev/null --max-time 2 ${w.url}`.text);
  if (w.logFile && w.pattern) probes.push(sh`tail -c +$((W0+1)) ${w.logFile} 2>/dev/null | grep -Eq ${w.pattern}`.text);
  const tries = Math.ceil((w.timeoutMs ?? WAIT_TIMEOUT_MS) / 500);
  const what = [w.port && `port ${w.port}`, w.url, w.logFile && w.pattern && `/${w.pattern}/ in ${w.logFile}`]
    .filter(Boolean)
    .join(' and ');
  // The log's relevant lines since the start go with any failure, so the message shows why.
  const tail = w.logFile
    ? sh`; tail -c +$((W0+1)) ${w.logFile} 2>/dev/null | `.text +
      "grep -E 'SEVERE|ERROR|Exception|startup failed|No session state|skipping state transfer' | tail -n 8 | cut -c1-300 >&2"
    : '';
  const fail =
    w.logFile && w.failPattern
      ? sh`if tail -c +$((W0+1)) ${w.logFile} 2>/dev/null | grep -Eq ${w.failPattern}; then `.text +
        sh`echo ${`${name} failed to start: its log since the start matches /${w.failPattern}/ (${w.logFile}):`} >&2`.text +
        `${tail}; exit 76; fi; `
      : '';
  return [
    `i=0; until ${probes.join(' && ')}; do ${fail}i=$((i+1)); if [ $i -ge ${tries} ]; then`,
    sh`echo ${`${name} did not answer on ${what} within ${Math.round(tries / 2)}s`} >&2`.text + `${tail}; exit 75; fi; sleep 0.5; done`,
    // A failure logged while the probes were passing (e.g. state transfer timed out before the port opened).
    fail ? `; ${fail}true` : '',
  ].join(' ');
}
