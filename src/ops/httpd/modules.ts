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
export function requiredModules(protocols: Iterable<'ajp' | 'http'>): ApacheModule[] {
  const set = new Set(protocols);
  const names = ['proxy'];
  if (set.has('ajp')) names.push('proxy_ajp');
  if (set.has('http')) names.push('proxy_http');
  names.push('proxy_balancer', 'lbmethod_byrequests', 'slotmem_shm');
  return names.map(mod);
}
