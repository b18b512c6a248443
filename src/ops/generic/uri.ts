/**
 * `uri` (Ansible's, for checking a URL): one request made on the host with curl while applying, in
 * order with the tasks around it; the task fails unless the status is expected. It changes nothing
 * (the task is `ok`); with `register:` it gives `status`, `url` and, with `return_content`, `content`
 * (and `json` when the body is JSON). In the pre-flight plan and --check it only says what it would request.
 */
import { defineOperation } from '../types.ts';
import type { UriRequest } from '../../host/changes/uri.ts';
import { nonEmpty } from './common.ts';

export interface UriArgs {
  url: string;
  method?: string;
  status_code?: number | number[];
  headers?: Record<string, string>;
  return_content?: boolean;
  validate_certs?: boolean;
  follow_redirects?: 'safe' | 'all' | 'none' | 'urllib2' | boolean;
  /** Seconds (default 30, as Ansible). */
  timeout?: number;
}

const code = { type: 'integer', minimum: 100, maximum: 599 };

export const uriOp = defineOperation<UriArgs>({
  name: 'uri',
  schema: {
    type: 'object',
    properties: {
      url: { type: 'string', pattern: '^https?://' },
      method: { enum: ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH'] },
      status_code: { anyOf: [code, { type: 'array', items: code, minItems: 1 }] },
      headers: { type: 'object', additionalProperties: nonEmpty },
      return_content: { type: 'boolean' },
      validate_certs: { type: 'boolean' },
      follow_redirects: { enum: ['safe', 'all', 'none', 'urllib2', true, false] },
      timeout: { type: 'integer', minimum: 1 },
    },
    required: ['url'],
    additionalProperties: false,
    description: 'a request with no body (body, body_format, src, dest, url_username/password are not supported)',
  },
  facts: () => [],
  plan(a) {
    const method = a.method ?? 'GET';
    const f = a.follow_redirects ?? 'safe';
    const request: UriRequest = {
      url: a.url,
      method,
      statusCodes: a.status_code === undefined ? [200] : Array.isArray(a.status_code) ? a.status_code : [a.status_code],
      headers: a.headers ?? {},
      follow: f === 'all' || f === true || ((f === 'safe' || f === 'urllib2') && (method === 'GET' || method === 'HEAD')),
      insecure: a.validate_certs === false,
      returnContent: a.return_content === true,
      timeout: a.timeout ?? 30,
    };
    const summary = `${method} ${a.url} (expect ${request.statusCodes.join(' or ')})`;
    return { changes: [{ kind: 'uri', request, summary }], okMessage: '' };
  },
});
