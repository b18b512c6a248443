/** The Apache modules a `balancer://` reverse proxy needs, by member protocol. */

/** One Apache module, named three ways: Debian's short name, the LoadModule id, the .so file. */
export interface ApacheModule {
  /** Short name as in Debian's mods-available (`proxy_ajp`). */
  name: string;
  /** Module identifier in `LoadModule` (`proxy_ajp_module`). */
  id: string;
  /** Shared object under the server's `modules/` directory (`mod_proxy_ajp.so`). */
  file: string;
}

function mod(name: string): ApacheModule {
  return { name, id: `${name}_module`, file: `mod_${name}.so` };
}

/**
 * Modules for a balancer whose members speak `protocols`, in load order: mod_proxy first, since
 * the others register as its providers. (mod_unixd, mod_log_config are on in every build.)
 */
export function requiredModules(protocols: Iterable<'ajp' | 'http'>, health?: HealthModules): ApacheModule[] {
  const set = new Set(protocols);
  const names = ['proxy'];
  if (set.has('ajp')) names.push('proxy_ajp');
  if (set.has('http')) names.push('proxy_http');
  names.push('proxy_balancer', 'lbmethod_byrequests', 'slotmem_shm');
  if (health) names.push(...healthModuleNames(health));
  return names.map(mod);
}

/** Active health checks: mod_proxy_hcheck runs on mod_watchdog's threads. */
export interface HealthModules {
  /** mod_watchdog is compiled into the binary (Debian's, `httpd -l`): it has no LoadModule. */
  watchdogBuiltIn: boolean;
}

function healthModuleNames(h: HealthModules): string[] {
  return [...(h.watchdogBuiltIn ? [] : ['watchdog']), 'proxy_hcheck'];
}

/** The health-check modules, for the module-file check (by .so name). */
export function healthModules(h: HealthModules): ApacheModule[] {
  return healthModuleNames(h).map(mod);
}
