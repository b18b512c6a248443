/**
 * Pure planning of a Tomcat instance's conf/server.xml: ports, AJP connector, jvmRoute, cluster.
 * Offsets are resolved against the ORIGINAL (source) file into explicit ports first, so planning
 * again on the output changes nothing.
 */
import { OperationError } from '../../core/errors.ts';
import {
  find,
  findAll,
  findCommented,
  insertChild,
  parseXml,
  removeAttr,
  setAttr,
  uncomment,
  type XmlDoc,
  type XmlEl,
} from '../../xml/index.ts';
import { buildClusterXml, type ClusterSpec } from './cluster.ts';
import { placeElement } from './place.ts';
import type { TomcatVersion } from './version.ts';

/** The AJP connector as the user wants it. */
export interface AjpSpec {
  /** Port (default: the existing connector's port plus the offset, or 8009 plus the offset). */
  port?: number;
  /** Shared secret Apache sends (`secret` attribute; `requiredSecret` on Tomcat 7). */
  secret?: string;
  /** Set `secretRequired="false"`: only when the user explicitly says so. */
  secretRequired?: boolean;
  /** Listen address (default for a newly enabled connector: 127.0.0.1; else kept). */
  address?: string;
}

/** Ports of an instance: explicit values, or `offset` added to the original file's ports. */
export interface PortSpec {
  shutdown?: number;
  http?: number;
  redirect?: number;
  ajp?: number;
  /** Added to every port of the source file not given explicitly (recipe: +1 for tomcat2). */
  offset?: number;
}

export interface ServerXmlSpec {
  ports?: PortSpec;
  /** Enable and secure the AJP connector. */
  ajp?: AjpSpec;
  /** `<Engine jvmRoute>`: must equal the BalancerMember route. */
  jvmRoute?: string;
  cluster?: ClusterSpec;
  /** Installed Tomcat (chooses class and attribute names). */
  version?: TomcatVersion;
}

/** Ports after resolving the offset; undefined = leave as is. */
export interface ResolvedPorts {
  shutdown?: number;
  http?: number;
  redirect?: number;
  ajp?: number;
}

const isAjp = (c: XmlEl) => /ajp/i.test(c.attr('protocol') ?? '');
const isSsl = (c: XmlEl) => c.attr('SSLEnabled') === 'true';

/** The plain HTTP connector of the first Service. */
export function httpConnector(doc: XmlDoc): XmlEl | undefined {
  return findAll(doc, 'Server/Service/Connector').find((c) => !isAjp(c) && !isSsl(c));
}

export function ajpConnector(doc: XmlDoc): XmlEl | undefined {
  return findAll(doc, 'Server/Service/Connector').find(isAjp);
}

function num(v: string | undefined): number | undefined {
  return v !== undefined && /^-?\d+$/.test(v) ? Number(v) : undefined;
}

/** Explicit ports for an instance, computed from the source file's ports and the offset. */
export function resolvePorts(sourceText: string, file: string, spec: PortSpec, wantAjp: boolean): ResolvedPorts {
  const doc = parseXml(sourceText, file);
  const off = spec.offset ?? 0;
  const shift = (p: number | undefined) => (p === undefined || p < 0 || off === 0 ? undefined : p + off);
  const http = httpConnector(doc);
  const ajp = ajpConnector(doc);
  const ajpSrc = num(ajp?.attr('port')) ?? num(findCommented(doc, 'Server/Service/Connector[@protocol="AJP/1.3"]')[0]?.attrs.port) ?? 8009;
  return {
    shutdown: spec.shutdown ?? shift(num(find(doc, 'Server')?.attr('port'))),
    http: spec.http ?? shift(num(http?.attr('port'))),
    redirect: spec.redirect ?? shift(num(http?.attr('redirectPort'))),
    ajp: spec.ajp ?? (ajp || wantAjp ? (off ? ajpSrc + off : ajp ? undefined : ajpSrc) : undefined),
  };
}

function setPort(el: XmlEl | undefined, attr: string, port: number | undefined): void {
  if (el && port !== undefined) setAttr(el, attr, String(port));
}

function enableAjp(doc: XmlDoc, file: string, spec: AjpSpec, port: number | undefined, v?: TomcatVersion): void {
  let c = ajpConnector(doc);
  const fresh = !c;
  if (!c) {
    const commented = findCommented(doc, 'Server/Service/Connector').find((x) => /ajp/i.test(x.attrs.protocol ?? ''));
    if (commented) c = uncomment(commented);
    else {
      const service = find(doc, 'Server/Service');
      if (!service)
        throw new OperationError(`${file} has no <Service> to add the AJP connector to`, {
          hint: 'check that this is a Tomcat conf/server.xml',
        });
      const http = httpConnector(doc);
      c = insertChild(service, `<Connector protocol="AJP/1.3" port="${port ?? 8009}"/>`, http ? { after: http } : 'first');
    }
  }
  setPort(c, 'port', port);
  if (spec.address !== undefined) setAttr(c, 'address', spec.address);
  else if (fresh) setAttr(c, 'address', '127.0.0.1');
  const secretAttr = v && v.major <= 7 ? 'requiredSecret' : 'secret';
  if (spec.secret !== undefined) {
    setAttr(c, secretAttr, spec.secret);
    if (c.attr('secretRequired') === 'false') removeAttr(c, 'secretRequired');
  } else if (spec.secretRequired === false) {
    setAttr(c, 'secretRequired', 'false');
  } else if (!c.attr(secretAttr) && c.attr('secretRequired') !== 'false' && !(v && !needsSecret(v))) {
    throw new OperationError(`the AJP connector in ${file} needs a secret`, {
      hint: 'give ajp.secret (and the same secret to the Apache BalancerMember), or ajp.secretRequired: false to accept AJP without one',
    });
  }
}

/** Tomcat 9.0.31+, 8.5.51+, 10+ refuse to start an AJP connector without a secret. */
function needsSecret(v: TomcatVersion): boolean {
  if (v.major >= 10) return true;
  if (v.major === 9) return v.patch >= 31;
  if (v.major === 8) return v.minor === 5 && v.patch >= 51;
  return false;
}

/** Apply explicit ports, AJP, jvmRoute and cluster to server.xml text; returns the new text. */
export function editServerXml(text: string, file: string, spec: ServerXmlSpec & { resolved?: ResolvedPorts }): string {
  const doc = parseXml(text, file);
  const p = spec.resolved ?? {};
  if (spec.ajp) enableAjp(doc, file, spec.ajp, p.ajp, spec.version);
  else setPort(ajpConnector(doc), 'port', p.ajp);
  setPort(find(doc, 'Server'), 'port', p.shutdown);
  const http = httpConnector(doc);
  const oldRedirect = http?.attr('redirectPort');
  setPort(http, 'port', p.http);
  if (p.redirect !== undefined) {
    for (const c of findAll(doc, 'Server/Service/Connector')) {
      if (c.attr('redirectPort') !== undefined) setPort(c, 'redirectPort', p.redirect);
      if (isSsl(c) && oldRedirect !== undefined && c.attr('port') === oldRedirect) setPort(c, 'port', p.redirect);
    }
  }
  const engine = find(doc, 'Server/Service/Engine');
  if ((spec.jvmRoute !== undefined || spec.cluster) && !engine) {
    throw new OperationError(`${file} has no <Server><Service><Engine>`, { hint: 'check that this is a Tomcat conf/server.xml' });
  }
  if (engine && spec.jvmRoute !== undefined) setAttr(engine, 'jvmRoute', spec.jvmRoute);
  if (engine && spec.cluster) {
    if (!spec.version) throw new OperationError('the Tomcat version is needed to build <Cluster>', { hint: 'give version: (e.g. "10.1")' });
    placeElement(engine, 'Cluster', buildClusterXml(spec.cluster, spec.version), ['Host/Cluster']);
  }
  return doc.serialize();
}
