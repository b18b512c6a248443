/** Per-layout planning: which files hold the balancer and how modules get enabled. */
import type { Change } from '../../core/change.ts';
import { OperationError } from '../../core/errors.ts';
import { sh } from '../../core/quote.ts';
import { fact, type FactRequest, type Facts } from '../../facts/types.ts';
import { enableInclude, enableModules, hasListen, neutralizeShippedExamples, upsertMarkedBlock } from './conf.ts';
import { fileFact, writeText } from '../kit.ts';
import type { StagedEntry } from '../../host/staged-check-script.ts';
import type { ApacheLayout, ResolvedLayout } from './layout.ts';
import type { ApacheModule } from './modules.ts';
import { renderBalancerBlock, type BalancerSpec } from './render.ts';

export interface LayoutPlanInput {
  host: string;
  resolved: ResolvedLayout;
  spec: BalancerSpec;
  modules: ApacheModule[];
  facts: Facts;
}

/** The file that holds our balancer block in each layout. */
export function balancerFile(layout: ApacheLayout, home: string, name: string): string {
  if (layout === 'source') return `${home}/conf/extra/httpd-vhosts.conf`;
  if (layout === 'rhel') return `${home}/conf.d/provision-balancer-${name}.conf`;
  return `${home}/sites-available/provision-balancer-${name}.conf`;
}

const siteLink = (home: string, name: string): string => `${home}/sites-enabled/provision-balancer-${name}.conf`;

/** Every fact a layout's plan reads (besides the main config, which detection reads). */
export function layoutFacts(layout: ApacheLayout, home: string, name: string, modules: ApacheModule[]): FactRequest[] {
  const reqs = [fact.file(balancerFile(layout, home, name), true)];
  if (layout !== 'debian') return reqs;
  reqs.push(fact.file(`${home}/ports.conf`, true), fact.file(siteLink(home, name)));
  for (const m of modules) {
    for (const ext of ['load', 'conf']) {
      reqs.push(fact.file(`${home}/mods-available/${m.name}.${ext}`), fact.file(`${home}/mods-enabled/${m.name}.${ext}`));
    }
  }
  return reqs;
}

/** A config file's new text (the AJP secrets in it are masked by the runner: the schema marks them). */
function write(path: string, before: string | null, after: string, summary: string): Change[] {
  return writeText(path, before, after, undefined, summary);
}

/** A config file's text, null when absent; facts carry no content for links, so refuse those rather than overwrite them. */
function text(facts: Facts, path: string, host: string): string | null {
  const f = fileFact(facts, path, true);
  if (!f.exists) return null;
  if (f.type !== 'file' || !f.content) {
    throw new OperationError(`${path} on ${host} is a ${f.type ?? 'special file'}, not a regular file`, {
      hint: 'provision edits regular files only: point apache_home at the real directory, or replace the link with the file',
    });
  }
  return f.content.toString('utf8');
}

/** Source build: LoadModule lines and the vhosts Include in httpd.conf, our block in httpd-vhosts.conf. */
function planSource(p: LayoutPlanInput): Change[] {
  const { home, mainConf } = p.resolved;
  const vhostsPath = balancerFile('source', home, p.spec.name);
  const mainBefore = text(p.facts, mainConf, p.host) ?? '';
  const mainAfter = enableInclude(enableModules(mainBefore, p.modules), ['conf/extra/httpd-vhosts.conf', vhostsPath]);
  const vBefore = text(p.facts, vhostsPath, p.host);
  const block = renderBalancerBlock({ ...p.spec, listen: !hasListen(mainBefore, p.spec.port) });
  const vAfter = upsertMarkedBlock(neutralizeShippedExamples(vBefore ?? ''), `balancer ${p.spec.name}`, block);
  const changes: Change[] = [];
  // The included file first: if the run stops in between, httpd.conf does not yet include it.
  changes.push(...write(vhostsPath, vBefore, vAfter, `balancer://${p.spec.name} vhost in ${vhostsPath}`));
  changes.push(...write(mainConf, mainBefore, mainAfter, `proxy modules and vhosts Include in ${mainConf}`));
  return changes;
}

/** CentOS/RHEL: one conf.d drop-in, loading any missing module itself behind `<IfModule !…>`. */
function planRhel(p: LayoutPlanInput): Change[] {
  const path = balancerFile('rhel', p.resolved.home, p.spec.name);
  const before = text(p.facts, path, p.host);
  const main = text(p.facts, p.resolved.mainConf, p.host) ?? '';
  const block = renderBalancerBlock({ ...p.spec, listen: !hasListen(main, p.spec.port), guardedModules: p.modules });
  const after = upsertMarkedBlock(before ?? '', `balancer ${p.spec.name}`, block);
  return write(path, before, after, `balancer://${p.spec.name} in ${path}`);
}

/** A link made like a2enmod/a2ensite; `links` collects it for the staged config test. */
function link(target: string, linkPath: string, summary: string, links: StagedEntry[]): Change {
  links.push({ path: linkPath, link: target });
  return { kind: 'exec', summary, command: sh`ln -s ${target} ${linkPath}`.text, undo: sh`rm -f ${linkPath}`.text };
}

/** Debian: a2enmod-style mods-enabled links, a sites-available file, an a2ensite-style link. */
function planDebian(p: LayoutPlanInput, links: StagedEntry[]): Change[] {
  const { home, mainConf } = p.resolved;
  const exists = (path: string): boolean => fileFact(p.facts, path).exists;
  const changes: Change[] = [];
  for (const m of p.modules) {
    if (exists(`${home}/mods-enabled/${m.name}.load`)) continue;
    if (!exists(`${home}/mods-available/${m.name}.load`)) {
      throw new OperationError(`module ${m.name} is not in ${home}/mods-available on ${p.host}`, {
        hint: `install the Apache package that provides mod_${m.name}`,
      });
    }
    for (const ext of ['load', 'conf']) {
      const file = `${m.name}.${ext}`;
      if (ext === 'conf' && (!exists(`${home}/mods-available/${file}`) || exists(`${home}/mods-enabled/${file}`))) continue;
      changes.push(link(`../mods-available/${file}`, `${home}/mods-enabled/${file}`, `enable module ${m.name} (${file})`, links));
    }
  }
  const path = balancerFile('debian', home, p.spec.name);
  const before = text(p.facts, path, p.host);
  const listening =
    hasListen(text(p.facts, `${home}/ports.conf`, p.host) ?? '', p.spec.port) ||
    hasListen(text(p.facts, mainConf, p.host) ?? '', p.spec.port);
  const after = upsertMarkedBlock(before ?? '', `balancer ${p.spec.name}`, renderBalancerBlock({ ...p.spec, listen: !listening }));
  changes.push(...write(path, before, after, `balancer://${p.spec.name} site in ${path}`));
  const site = siteLink(home, p.spec.name);
  if (!exists(site))
    changes.push(
      link(`../sites-available/provision-balancer-${p.spec.name}.conf`, site, `enable site provision-balancer-${p.spec.name}`, links),
    );
  return changes;
}

export interface LayoutPlan {
  changes: Change[];
  /** Every file and link the changes leave, as the staged config test must see them. */
  staged: StagedEntry[];
}

export function planLayout(p: LayoutPlanInput): LayoutPlan {
  const links: StagedEntry[] = [];
  const changes = p.resolved.layout === 'source' ? planSource(p) : p.resolved.layout === 'rhel' ? planRhel(p) : planDebian(p, links);
  const files = changes.flatMap((c): StagedEntry[] => (c.kind === 'write' ? [{ path: c.path, content: c.content }] : []));
  return { changes, staged: [...files, ...links] };
}
