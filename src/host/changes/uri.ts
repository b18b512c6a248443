/**
 * `uri`: one HTTP request made on the host with curl (Ansible's uri runs on the target too), in
 * order with the other changes; it fails unless the status is one of those expected. It changes
 * nothing (its task is `ok`, rollback skips it). Its status and, when asked, its body come back on
 * stdout between markers, for `register:` (runner/task-run.ts `probeValue`).
 */
import { sh } from '../../core/quote.ts';
import { type ChangeDef, type EntryOf } from '../change-kind.ts';

/** What a `uri` request is. */
export interface UriRequest {
  url: string;
  method: string;
  statusCodes: number[];
  headers: Record<string, string>;
  /** Follow redirects (Ansible's `follow_redirects: safe` for GET and HEAD). */
  follow: boolean;
  /** `validate_certs: false`. */
  insecure: boolean;
  returnContent: boolean;
  /** Seconds for the whole request. */
  timeout: number;
}

declare module '../../core/change.ts' {
  interface MoreChanges {
    uri: { kind: 'uri'; request: UriRequest };
  }
}

/** Journal entry of a request: nothing to keep. */
export type UriEntry = EntryOf<'uri', object>;

/** Markers of the request's outcome in the change's output. */
export const URI_STATUS = '@@uri-status';
export const URI_CONTENT = '@@uri-content';

/** The `uri` change kind. */
export const uri: ChangeDef<'uri', UriEntry> = {
  kind: 'uri',
  script: ({ request: r }) => {
    const flags = [
      '-s',
      '-o',
      '"$t"',
      '-w',
      "'%{http_code}'",
      ...(r.follow ? ['-L'] : []),
      ...(r.insecure ? ['-k'] : []),
      sh`-X ${r.method} --max-time ${String(r.timeout)}`.text,
      ...Object.entries(r.headers).map(([k, v]) => sh`-H ${`${k}: ${v}`}`.text),
      sh`${r.url}`.text,
    ];
    const want = r.statusCodes.join(' ');
    return {
      script: [
        't=$(mktemp) || exit 1',
        `code=$(curl ${flags.join(' ')}); rc=$?`,
        `echo "${URI_STATUS} $code"`,
        r.returnContent ? `echo "${URI_CONTENT} $(base64 < "$t" | tr -d '\\n')"` : '',
        'rm -f "$t"',
        `case " ${want} " in *" $code "*) exit 0;; esac`,
        `echo "${URI_STATUS} $code" >&2`,
        sh`echo ${`${r.method} ${r.url}:`}`.text + ` "status $code (curl exit $rc), expected ${want}" >&2`,
        'exit 1',
      ]
        .filter(Boolean)
        .join('\n'),
    };
  },
  journal: () => ({ fields: {}, paths: [] }),
  learn() {},
  undo: (e) => ({ action: 'skip', paths: [], text: `${e.summary}: a request, nothing to undo` }),
};
