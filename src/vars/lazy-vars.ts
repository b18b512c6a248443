/**
 * Variables rendered when they are read, as Ansible does: a variable defined as a template
 * (`a: "{{ b }}-x"`) is rendered in the scope that reads it, so it may use `hostvars`, loop items
 * and other variables defined anywhere, and an undefined one is an error only where it is used.
 */
import { TemplateError } from '../core/errors.ts';
import { renderString } from './template.ts';

export type Vars = Record<string, unknown>;

const hasTemplate = (v: unknown) => typeof v === 'string' && (v.includes('{{') || v.includes('{%'));

/** A scope: own variables over a parent scope. Reading a templated string renders it (once). */
export function scope(own: Vars, parent?: Vars): Vars {
  const cache = new Map<string, unknown>();
  const busy = new Set<string>();
  const proxy: Vars = new Proxy(own, {
    get(target, key) {
      if (typeof key !== 'string') return Reflect.get(target, key);
      if (!(key in target)) return parent?.[key];
      const v = target[key];
      if (!hasTemplate(v)) return v;
      if (cache.has(key)) return cache.get(key);
      if (busy.has(key)) throw new Error(`variable '${key}' is defined in terms of itself`);
      busy.add(key);
      try {
        const out = renderString(v as string, proxy);
        cache.set(key, out);
        return out;
      } catch (err) {
        const msg = (err as Error).message;
        throw new TemplateError(msg.startsWith('variable ') ? msg : `variable '${key}': ${msg}`);
      } finally {
        busy.delete(key);
      }
    },
    has: (target, key) => key in target || (!!parent && key in parent),
    ownKeys: (target) => [...new Set([...Reflect.ownKeys(target), ...(parent ? Reflect.ownKeys(parent) : [])])],
    getOwnPropertyDescriptor: (target, key) =>
      key in target || (parent && key in parent)
        ? { configurable: true, enumerable: true, writable: false, value: proxy[key as string] }
        : undefined,
  });
  return proxy;
}
