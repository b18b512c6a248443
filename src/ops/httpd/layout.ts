/**
 * Where Apache keeps its config: a source build under APACHE_HOME (the recipe's), the CentOS/RHEL
 * package under /etc/httpd, or Debian's /etc/apache2. Detected from file facts, or set explicitly.
 */
import type { ServiceSpec } from '../../core/change.ts';
import { OperationError } from '../../core/errors.ts';
import { sh } from '../../core/quote.ts';
import { fact, type FactRequest, type Facts, type FileFact } from '../../facts/types.ts';
import { fileFact } from '../kit.ts';

export type ApacheLayout =
  /** Built from source: `<apache_home>/conf/httpd.conf` + `conf/extra/httpd-vhosts.conf`. */
  | 'source'
  /** CentOS/RHEL/Fedora package: `/etc/httpd/conf/httpd.conf`, drop-ins in `/etc/httpd/conf.d/`. */
  | 'rhel'
  /** Debian/Ubuntu package: `/etc/apache2/apache2.conf`, `sites-*`, `mods-*`. */
  | 'debian';

export const LAYOUTS: readonly ApacheLayout[] = ['source', 'rhel', 'debian'];

/** The recipe's (and `./configure`'s) default prefix. */
export const DEFAULT_APACHE_HOME = '/usr/local/apache2';

export interface LayoutChoice {
  /** Set explicitly; otherwise detected. */
  layout?: ApacheLayout;
  /** ServerRoot of a source build (default /usr/local/apache2). */
  apacheHome?: string;
}

export interface ResolvedLayout {
  layout: ApacheLayout;
  /** ServerRoot: apache_home, /etc/httpd, or /etc/apache2. */
  home: string;
  /** The main config file, whose presence identifies the layout. */
  mainConf: string;
}

const LABEL: Record<ApacheLayout, string> = {
  source: 'source build',
  rhel: 'CentOS/RHEL package',
  debian: 'Debian package',
};

export function layoutHome(layout: ApacheLayout, apacheHome?: string): string {
  if (layout === 'rhel') return '/etc/httpd';
  if (layout === 'debian') return '/etc/apache2';
  return (apacheHome ?? DEFAULT_APACHE_HOME).replace(/\/+$/, '') || '/';
}

export function mainConfPath(layout: ApacheLayout, apacheHome?: string): string {
  const home = layoutHome(layout, apacheHome);
  if (layout === 'debian') return `${home}/apache2.conf`;
  return `${home}/conf/httpd.conf`;
}

/** The layouts to consider: the explicit one, or all of them in detection order. */
export function candidateLayouts(choice: LayoutChoice): ApacheLayout[] {
  return choice.layout ? [choice.layout] : [...LAYOUTS];
}

/** File facts (with content) of the main config of every candidate layout. */
export function detectionFacts(choice: LayoutChoice): FactRequest[] {
  return candidateLayouts(choice).map((l) => fact.file(mainConfPath(l, choice.apacheHome), true));
}

/**
 * The layout whose main config exists. An explicit choice (`apache_layout`, or `apache_home`,
 * which means a source build) is never replaced by another Apache found on the host; without one,
 * exactly one known layout must be present: two (a source build next to a distro package) is an
 * error that lists both, since provision cannot know which one serves the site.
 */
export function detectLayout(facts: Facts, choice: LayoutChoice, host: string): ResolvedLayout {
  const looked: string[] = [];
  const found: ResolvedLayout[] = [];
  for (const layout of candidateLayouts(choice)) {
    const mainConf = mainConfPath(layout, choice.apacheHome);
    const f = fileFact(facts, mainConf, true);
    if (f.exists) found.push({ layout, home: layoutHome(layout, choice.apacheHome), mainConf });
    else looked.push(`${mainConf} (${LABEL[layout]})`);
  }
  if (found.length === 1) return found[0]!;
  if (found.length > 1) {
    throw new OperationError(`more than one Apache on ${host}: ${found.map((r) => `${r.mainConf} (${LABEL[r.layout]})`).join(' and ')}`, {
      host,
      hint:
        `say which one serves the site: set apache_layout to ${found.map((r) => r.layout).join(' or ')} ` +
        '(and apache_home for a source build) for this host in the inventory',
    });
  }
  const what = choice.layout ? `no ${LABEL[choice.layout]} of Apache` : 'no Apache of a known layout';
  throw new OperationError(`${what} found on ${host}: looked for ${looked.join(', ')}`, {
    host,
    hint: choice.layout
      ? choice.layout === 'source' && choice.apacheHome
        ? `apache_home is ${choice.apacheHome}: check it is the ServerRoot of the Apache that serves the site (it has conf/httpd.conf)`
        : `check the layout (apache_layout: source|rhel|debian) and, for a source build, apache_home (the ServerRoot)`
      : 'install Apache first, or set apache_layout (source|rhel|debian) and, ' +
        'for a source build, apache_home (the ServerRoot, e.g. /usr/local/apache2)',
  });
}

/** Default path of the server binary (or control script) used for the config test. */
export function defaultApacheBin(layout: ApacheLayout, apacheHome?: string): string {
  if (layout === 'rhel') return '/usr/sbin/httpd';
  // apache2ctl sources /etc/apache2/envvars, which Debian's apache2.conf needs (${APACHE_RUN_DIR}).
  if (layout === 'debian') return '/usr/sbin/apache2ctl';
  return `${layoutHome('source', apacheHome)}/bin/httpd`;
}

/**
 * The command that checks the whole config without touching the running server (`httpd -t`).
 * A source build is tested with explicit `-d`/`-f`, so a binary from elsewhere (the lab runs
 * Debian's `/usr/sbin/apache2 -d /usr/local/apache2`) reads the right tree.
 */
export function configTestCommand(layout: ApacheLayout, apacheHome?: string, bin?: string): string {
  const b = bin ?? defaultApacheBin(layout, apacheHome);
  if (layout !== 'source') return sh`${b} -t`.text;
  const home = layoutHome(layout, apacheHome);
  return sh`${b} -d ${home} -f ${mainConfPath(layout, apacheHome)} -t`.text;
}

/**
 * How to run Apache for a `service` change: systemd units for the packages, `httpd -k` commands
 * (graceful reload, pid file from the shipped `PidFile "logs/httpd.pid"`) for a source build.
 */
export function apacheService(layout: ApacheLayout, apacheHome?: string, bin?: string): ServiceSpec {
  if (layout === 'rhel') return { name: 'httpd' };
  if (layout === 'debian') return { name: 'apache2' };
  const b = bin ?? defaultApacheBin(layout, apacheHome);
  const home = layoutHome(layout, apacheHome);
  const conf = mainConfPath(layout, apacheHome);
  const k = (verb: string): string => sh`${b} -d ${home} -f ${conf} -k ${verb}`.text;
  return {
    name: 'httpd',
    start: k('start'),
    stop: k('stop'),
    reload: k('graceful'),
    status: sh`kill -0 "$(cat ${`${home}/logs/httpd.pid`} 2>/dev/null)" 2>/dev/null`.text,
  };
}
