/**
 * A tiny path syntax: `Server/Service/Connector[@protocol="AJP/1.3"]`. Steps are local element
 * names separated by `/`; each may carry predicates `[@attr="value"]` (or `'value'`) or `[@attr]`
 * (attribute present). From a document the first step names the root element; from an element
 * the steps name its descendants.
 */
import { XmlDoc, XmlEl } from './doc.ts';

export interface PathStep {
  name: string;
  /** attr → required value (null: only presence). */
  preds: Array<{ attr: string; value: string | null }>;
}

const STEP = /^([A-Za-z_*][\w.:*-]*)((?:\[@[\w.:-]+(?:=(?:"[^"]*"|'[^']*'))?\])*)$/;
const PRED = /\[@([\w.:-]+)(?:=(?:"([^"]*)"|'([^']*)'))?\]/g;

export function parsePath(path: string): PathStep[] {
  // Split on `/` outside quotes (values like "AJP/1.3" contain slashes).
  const steps: string[] = [];
  let cur = '';
  let q: string | null = null;
  for (const ch of path) {
    if (q) q = ch === q ? null : q;
    else if (ch === '"' || ch === "'") q = ch;
    else if (ch === '/') {
      steps.push(cur);
      cur = '';
      continue;
    }
    cur += ch;
  }
  steps.push(cur);
  return steps.map((s) => {
    const m = STEP.exec(s.trim());
    if (!m) throw new Error(`bad XML path step ${JSON.stringify(s)} in ${JSON.stringify(path)}`);
    const preds = [...(m[2] ?? '').matchAll(PRED)].map((p) => ({ attr: p[1]!, value: p[2] ?? p[3] ?? null }));
    return { name: m[1]!, preds };
  });
}

/** Does a name + attribute set satisfy a step? */
export function matchStep(step: PathStep, name: string, attrs: Record<string, string>): boolean {
  if (step.name !== '*' && step.name !== name) return false;
  return step.preds.every((p) => (p.value === null ? p.attr in attrs : attrs[p.attr] === p.value));
}

/** Does an element satisfy a step? The name first: most children differ there, and reading attributes costs more. */
function elMatches(step: PathStep, el: XmlEl): boolean {
  if (step.name !== '*' && step.name !== el.name) return false;
  return step.preds.every((p) => (p.value === null ? el.attr(p.attr) !== undefined : el.attr(p.attr) === p.value));
}

function walk(from: XmlEl[], steps: PathStep[]): XmlEl[] {
  let cur = from;
  for (const step of steps) {
    cur = cur.flatMap((el) => el.children().filter((c) => elMatches(step, c)));
  }
  return cur;
}

/** Every element matching `path`, in document order. */
export function findAll(from: XmlDoc | XmlEl, path: string): XmlEl[] {
  const steps = parsePath(path);
  if (from instanceof XmlDoc) {
    const root = from.root();
    const [first, ...rest] = steps;
    if (!first || !elMatches(first, root)) return [];
    return walk([root], rest);
  }
  return walk([from], steps);
}

/** The first element matching `path`, or undefined. */
export function find(from: XmlDoc | XmlEl, path: string): XmlEl | undefined {
  return findAll(from, path)[0];
}
