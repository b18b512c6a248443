/** The arguments of `httpd_balancer`, declared once: the type and its JSON schema. */
import { secret } from '../kit.ts';
import type { AjpSecretUnsupported } from './build-checks.ts';
import { LAYOUTS, type ApacheLayout } from './layout.ts';
import type { HealthMethod, MemberSpec } from './render.ts';

export interface HttpdBalancerArgs {
  /** Balancer name (`balancer://<name>`); also names our marked block and drop-in file. */
  name: string;
  /**
   * One per Tomcat instance. `protocol` defaults to `ajp`. `http_port` (the Tomcat's HTTP
   * connector) is used only when `ajp_secret_unsupported: http` turns an AJP member into HTTP.
   */
  members: Array<Omit<MemberSpec, 'protocol'> & { protocol?: 'ajp' | 'http'; http_port?: number }>;
  /** URL path to proxy (default `/`); the same path is requested from Tomcat. */
  path?: string;
  /** Default `JSESSIONID|jsessionid` (cookie, then `;jsessionid=` path parameter). */
  stickysession?: string;
  /** Seconds a failed member stays out (default 5; Apache's own default is 60). */
  retry?: number;
  /** `source`, `rhel` or `debian`; default: host var `apache_layout`, else detected. */
  layout?: ApacheLayout;
  /** ServerRoot of a source build (default: host var `apache_home`, else /usr/local/apache2). Implies `layout: source`. */
  apache_home?: string;
  /** ServerName of the vhost; without it the vhost answers as the first one on its port. */
  server_name?: string;
  /** Port of `<VirtualHost *:port>` (default 80); a `Listen` is added when none exists for it. */
  listen?: number;
  /** httpd/apache2/apachectl binary for the config test and `-v` (default per layout). */
  apache_bin?: string;
  /** Config test command, instead of the layout's default (`httpd -t`). */
  check?: string;
  /** Append a reload of Apache, guarded by the config test, when anything changed. Default false. */
  reload?: boolean;
  /**
   * Path of balancer-manager in the vhost, reachable only from the Apache host (default
   * `/balancer-manager`; `false`: none). Rolling restarts drain members through it.
   */
  manager?: string | false;
  /**
   * An Apache older than 2.4.42 cannot send the AJP `secret`: `refuse` (default) stops before any
   * change; `http` proxies to each member's `http_port` instead (keep that port private); `test`
   * trusts a vendor backport and lets the staged config test decide.
   */
  ajp_secret_unsupported?: AjpSecretUnsupported;
  /** Active health checks (mod_proxy_hcheck, httpd 2.4.21+): `uri` (default `/`), `interval` seconds (default 5), `method`. */
  health_check?: { uri?: string; interval?: number; method?: HealthMethod };
  /** Test the new config on staged copies before writing any file (default true). */
  staged_check?: boolean;
}

const str = { type: 'string', minLength: 1 };
const port = { type: 'integer', minimum: 1, maximum: 65535 };

export const httpdBalancerSchema: Record<string, unknown> = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'members'],
  properties: {
    name: str,
    members: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['host', 'port', 'route'],
        properties: { host: str, port, route: str, protocol: { enum: ['ajp', 'http'] }, secret: secret(str), http_port: port },
      },
    },
    path: str,
    stickysession: str,
    retry: { type: 'integer', minimum: 0 },
    layout: { enum: [...LAYOUTS] },
    apache_home: str,
    server_name: str,
    listen: port,
    apache_bin: str,
    check: str,
    reload: { type: 'boolean' },
    manager: { anyOf: [{ type: 'string', pattern: '^/' }, { const: false }] },
    ajp_secret_unsupported: { enum: ['refuse', 'http', 'test'] },
    health_check: {
      type: 'object',
      additionalProperties: false,
      properties: {
        uri: { type: 'string', pattern: '^/' },
        interval: { type: 'integer', minimum: 1 },
        method: { enum: ['GET', 'HEAD', 'OPTIONS', 'TCP', 'CPING'] },
      },
    },
    staged_check: { type: 'boolean' },
  },
};
