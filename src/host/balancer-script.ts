/**
 * Shell that sets a balancer member's runtime state through mod_proxy_balancer's balancer-manager,
 * run on the Apache host itself (the manager answers only there). No Apache module or tool does
 * this from a shell, so it is written here: fetch the manager page, find the member's row by
 * balancer and route, POST the status with the page's nonce (and a Referer: the manager refuses
 * changes without one, as CSRF protection), then read the row back. Disabling also waits until the
 * member's Busy count (requests in flight through this Apache) is 0, bounded.
 *
 * Outcomes: exit 0 with one line on stdout (`state=disabled busy=0 ...`, or `skip=...` when Apache
 * does not answer, has no balancer-manager yet, or does not have the member); exit 77 when the
 * drain timed out (the member is enabled again so it keeps serving); exit 1 on other errors.
 */
import type { BalancerMemberRef } from '../core/change.ts';
import { sh } from '../core/quote.ts';

/** The manager URL of a balancer vhost on port `port`: loopback, or the vhost's ServerName. */
export function managerUrl(port: number, path: string, serverName?: string): { managerUrl: string; hostHeader?: string } {
  const host = serverName ? serverName.replace(/:\d+$/, '') : '127.0.0.1';
  return { managerUrl: `http://${host}:${port}${path}`, ...(serverName ? { hostHeader: host } : {}) };
}

/** `route`: the member's route, or (routeVar) a shell variable already holding it. */
function prelude(m: Omit<BalancerMemberRef, 'route'> & { route?: string }, routeVar?: string): string {
  const port = /:(\d+)\//.exec(m.managerUrl)?.[1] ?? '80';
  // A ServerName vhost is reached on loopback with its own name, so Host and Referer match it.
  const connect = m.hostHeader ? sh`--connect-to ${`${m.hostHeader}:${port}:127.0.0.1:${port}`}`.text : '';
  return [
    sh`BM=${m.managerUrl}; B=${m.balancer}`.text + (routeVar ? `; R="$${routeVar}"` : sh`; R=${m.route ?? ''}`.text),
    'T=$(mktemp) || exit 1',
    `bm() { curl -sS --max-time 5 ${connect} "$@"; }`,
    // The page as lines: one per <h3> (a balancer) and per <tr> (a member); print our member's row.
    `row() { code=$(bm -o "$T" -w '%{http_code}' "$BM") || code=000; [ "$code" = 200 ] || return 1;`,
    `  tr -d '\\n' < "$T" | sed -e 's#<h3>#\\n<h3>#g' -e 's#<tr>#\\n<tr>#g' | awk -v b="balancer://$B" -v r="$R" '`,
    `    /^<h3>/ { cur = index($0, ">" b "</a>") > 0 } cur && /^<tr>/ && index($0, "</a></td><td>" r "</td>") { print; exit }'; }`,
    // Columns: Worker URL, Route, RouteRedir, Factor, Set, Status, Elected, Busy, ...
    `field() { printf '%s' "$ROW" | sed -e 's#</td>#\\n#g' | sed -e 's#<[^>]*>##g' -e 's/^ *//' -e 's/ *$//' | sed -n "$1p"; }`,
    'read_row() { ROW=$(row) || { ' +
      'echo "skip=no balancer-manager answers at $BM (Apache stopped, or its config has none yet): nothing to drain"; ' +
      'rm -f "$T"; exit 0; }',
    `  [ -n "$ROW" ] || { echo "skip=balancer://$B has no member with route $R on this Apache"; rm -f "$T"; exit 0; }; }`,
    `set_status() { W=$(printf '%s' "$ROW" | sed -n 's#.*[?;]w=\\([^&"]*\\)&amp;nonce=\\([0-9a-fA-F-]*\\).*#\\1#p')`,
    `  N=$(printf '%s' "$ROW" | sed -n 's#.*&amp;nonce=\\([0-9a-fA-F-]*\\).*#\\1#p')`,
    `  c=$(bm -o /dev/null -w '%{http_code}' -H "Referer: $BM" ` +
      '--data-urlencode "b=$B" --data-urlencode "w=$W" --data-urlencode "nonce=$N" -d "w_status_D=$1" "$BM") || c=000',
    `  [ "$c" = 200 ] || { echo "balancer-manager $BM refused the change of $R (HTTP $c)" >&2; rm -f "$T"; exit 1; }; }`,
  ].join('\n');
}

/** A Busy count unchanged this long with no request elected to the member is a leaked count. */
const STUCK_MS = 5_000;

/** The script for one `balancer` change. */
export function balancerScript(m: BalancerMemberRef, state: 'disabled' | 'enabled', drainTimeoutMs = 30_000, routeVar?: string): string {
  const tries = Math.max(1, Math.ceil(drainTimeoutMs / 200));
  const lines = [prelude(m, routeVar), 'read_row', 'WAS=$(field 6)'];
  if (state === 'enabled') {
    lines.push(
      `case "$WAS" in *Dis*) set_status 0; read_row;; esac`,
      `case "$(field 6)" in *Dis*) echo "$R is still disabled in balancer://$B after enabling it" >&2; rm -f "$T"; exit 1;; esac`,
      `echo "state=enabled was=$WAS now=$(field 6)"`,
    );
  } else {
    lines.push(
      `case "$WAS" in *Dis*) ;; *) set_status 1; read_row;; esac`,
      `case "$(field 6)" in *Dis*) ;; *) echo "$R did not become disabled in balancer://$B" >&2; rm -f "$T"; exit 1;; esac`,
      // In-flight requests through this Apache finish before the member is stopped. Apache's Busy
      // count can leak (a request that failed over is never counted down): a count that neither
      // falls nor sees a new request (Elected) for ${STUCK_MS / 1000} s is taken as drained, and said so.
      `i=0; k=0; PB=; PE=; while BUSY=$(field 8); EL=$(field 7); [ "\${BUSY:-0}" != 0 ]; do i=$((i+1));`,
      `  if [ "$BUSY" = "$PB" ] && [ "$EL" = "$PE" ]; then k=$((k+1)); else k=0; fi; PB=$BUSY; PE=$EL`,
      `  [ $k -ge ${STUCK_MS / 200} ] && { ` +
        `echo "state=disabled was=$WAS busy=$BUSY ` +
        `(Apache's count, unchanged with no new request for ${STUCK_MS / 1000}s) waited=$((i*200))ms"; ` +
        'rm -f "$T"; exit 0; }',
      `  if [ $i -ge ${tries} ]; then`,
      '  set_status 0; ' +
        `echo "$R still had $BUSY request(s) in flight after ${Math.round(drainTimeoutMs / 1000)}s: enabled again, not stopped" >&2; ` +
        'rm -f "$T"; exit 77; fi',
      `  sleep 0.2; read_row; done`,
      `echo "state=disabled was=$WAS busy=0 waited=$((i*200))ms"`,
    );
  }
  lines.push('rm -f "$T"');
  return lines.join('\n');
}

/**
 * Wrap an Apache reload so members drained before it are drained again after it (a reload resets
 * balancer members to their configured state). Members are read from balancer-manager; when it
 * does not answer (first run, Apache stopped), the reload runs alone.
 */
export function keepDrainedScript(b: Omit<BalancerMemberRef, 'route'>, reload: string): string {
  const list = [
    prelude(b),
    // Routes whose Status shows Dis, in this balancer.
    `DRAINED=$(row >/dev/null; tr -d '\\n' < "$T" 2>/dev/null | ` +
      `sed -e 's#<h3>#\\n<h3>#g' -e 's#<tr>#\\n<tr>#g' | awk -v b="balancer://$B" '`,
    `  /^<h3>/ { cur = index($0, ">" b "</a>") > 0 } cur && /^<tr>/ && /Dis/ { n = split($0, f, "</td><td>"); if (n > 1) print f[2] }')`,
    'rm -f "$T"',
    reload,
  ];
  const again = [
    'for DR in $DRAINED; do',
    // The reloaded children answer within moments; each try is bounded.
    `  i=0; until ( ${balancerScript({ ...b, route: '' }, 'disabled', 5_000, 'DR')}\n` +
      "  ) 2>/dev/null | grep -q '^state=disabled' || [ $i -ge 20 ]; do i=$((i+1)); sleep 0.2; done",
    '  [ $i -lt 20 ] || echo "could not drain $DR again after the reload" >&2',
    'done',
  ];
  return [...list, ...again].join('\n');
}
