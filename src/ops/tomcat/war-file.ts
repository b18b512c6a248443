/**
 * WAR handling: make sure WEB-INF/web.xml has `<distributable/>` (recipe step 8) and rebuild the
 * archive deterministically (same input → same bytes: original entry order, one fixed timestamp),
 * so the checksum comparison with the host stays meaningful from run to run.
 */
import { unzipSync, zipSync, type Zippable } from 'fflate';
import { OperationError } from '../../core/errors.ts';
import { ensureDistributable, isDistributable, MINIMAL_DISTRIBUTABLE_WEB_XML } from './web-xml.ts';

/** DOS timestamps are local time: a Date built from local fields writes the same bytes in every TZ. */
export const FIXED_MTIME = new Date(2000, 0, 1, 0, 0, 0);

const WEB_XML = 'WEB-INF/web.xml';

/** Entries of a zip, in archive order; not a zip → OperationError naming `file`. */
export function readZip(data: Uint8Array, file: string): Record<string, Uint8Array> {
  const magic = data.length >= 4 && data[0] === 0x50 && data[1] === 0x4b && (data[2] === 3 || data[2] === 5);
  try {
    if (!magic) throw new Error('no zip signature');
    return unzipSync(data);
  } catch (e) {
    throw new OperationError(`${file} is not a WAR file (not a zip archive: ${(e as Error).message})`, {
      hint: 'build the application as a .war (jar -cf app.war -C build .) and point src at it',
      cause: e,
    });
  }
}

/** Zip entries (in the given order) with fixed timestamps. */
export function writeZip(entries: Record<string, Uint8Array>): Buffer {
  const z: Zippable = {};
  for (const [name, data] of Object.entries(entries)) z[name] = [data, { mtime: FIXED_MTIME, level: name.endsWith('/') ? 0 : 6 }];
  return Buffer.from(zipSync(z, { mtime: FIXED_MTIME }));
}

export interface PreparedWar {
  content: Buffer;
  /** True when `<distributable/>` was added (the archive was rebuilt). */
  injected: boolean;
}

/** The WAR to upload: unchanged when already distributable, else rebuilt with it (`entries`: its unzipped entries, when already read). */
export function prepareWar(data: Uint8Array, file: string, entries = readZip(data, file)): PreparedWar {
  const web = entries[WEB_XML];
  const label = `${file}!/${WEB_XML}`;
  const text = web ? new TextDecoder().decode(web) : undefined;
  if (text !== undefined && isDistributable(text, label)) return { content: Buffer.from(data), injected: false };
  const next = text === undefined ? MINIMAL_DISTRIBUTABLE_WEB_XML : ensureDistributable(text, label);
  const out: Record<string, Uint8Array> = {};
  if (text === undefined && !('WEB-INF/' in entries)) out['WEB-INF/'] = new Uint8Array(0);
  for (const [name, bytes] of Object.entries(entries)) out[name] = name === WEB_XML ? new TextEncoder().encode(next) : bytes;
  if (text === undefined) out[WEB_XML] = new TextEncoder().encode(next);
  return { content: writeZip(out), injected: true };
}
