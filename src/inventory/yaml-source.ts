/**
 * Reading a YAML file the way Ansible does (PyYAML's YAML 1.1: `yes`/`no` are booleans) while keeping
 * source ranges, so every problem can be reported as file:line:column.
 */
import { readFile } from 'node:fs/promises';
import { LineCounter, parseDocument, type Document, type Node } from 'yaml';
import { InventoryError, type SourcePos } from '../core/errors.ts';
import { pyyamlTags } from '../core/pyyaml.ts';
import { isVaultText, revealVaultValues, VAULT_TAG, VaultKeyring } from './vault.ts';

/** A parsed YAML file that can turn nodes into positions. */
export interface YamlSource {
  file: string;
  text: string;
  doc: Document.Parsed;
  /** Position of a node (its first character), or of the file when the node has no range. */
  pos(node: unknown): SourcePos;
  /** The vault passwords `!vault` values and vaulted files were decrypted with, if any. */
  vault?: VaultKeyring;
  /** The whole file was vault-encrypted: every value in it is a secret. */
  vaulted?: boolean;
}

/** Build an InventoryError whose message starts with file:line:column. */
export function inventoryError(pos: SourcePos, message: string, hint?: string): InventoryError {
  const where = pos.line ? `${pos.file}:${pos.line}:${pos.column ?? 1}` : pos.file;
  return new InventoryError(`${where}: ${message}`, { pos, hint });
}

/** The source line at a 1-based line number, with a caret under the column. */
function showLine(text: string, line: number, column: number): string {
  const src = text.split(/\r?\n/)[line - 1] ?? '';
  return `\n  ${src}\n  ${' '.repeat(Math.max(0, column - 1))}^`;
}

function looksLikeIni(text: string): boolean {
  const first = text.split(/\r?\n/).find((l) => l.trim() !== '' && !/^\s*[#;]/.test(l));
  return first !== undefined && /^\s*\[[^\]]+\]\s*$/.test(first);
}

const INI_HINT = 'this looks like an INI inventory: name the file `*.ini` (or anything but .yml/.yaml/.json) so it is read as INI';

/**
 * Parse YAML text; malformed YAML becomes an InventoryError at the parser's line:column.
 * `!vault` values are decrypted with `vault` (an error at their line without it).
 */
export function parseYaml(file: string, text: string, vault?: VaultKeyring): YamlSource {
  const lc = new LineCounter();
  // YAML 1.1 because Ansible's loader is PyYAML: `yes`, `on`, 0644 mean what they mean there.
  const doc = parseDocument(text, {
    version: '1.1',
    customTags: (tags) => [...pyyamlTags(tags), VAULT_TAG],
    lineCounter: lc,
    prettyErrors: false,
  });
  const err = doc.errors[0];
  if (err) {
    let at = err.pos[0];
    // The parser points at the newline ending the line before the problem; show the problem itself.
    if (text[at] === '\n' || text[at] === '\r') while (at < text.length - 1 && /\s/.test(text[at]!)) at++;
    const { line, col } = lc.linePos(at);
    const dupKey = err.code === 'DUPLICATE_KEY' ? /^\s*("[^"]*"|'[^']*'|[^:\n]+)/.exec(text.slice(at))?.[1] : undefined;
    const reason = dupKey ? `duplicate key \`${dupKey.trim()}\`` : err.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
    const hint = looksLikeIni(text)
      ? INI_HINT
      : err.code === 'DUPLICATE_KEY'
        ? 'each key may appear only once in a map; merge the two entries'
        : 'fix the YAML syntax here (check indentation, colons and quotes)';
    throw inventoryError({ file, line, column: col }, `malformed YAML: ${reason}${showLine(text, line, col)}`, hint);
  }
  revealVaultValues(doc, lc, file, vault);
  const pos = (node: unknown): SourcePos => {
    const range = (node as Node | null)?.range;
    if (!range) return { file };
    const { line, col } = lc.linePos(range[0]);
    return { file, line, column: col };
  };
  return { file, text, doc, pos, ...(vault ? { vault } : {}) };
}

/** Read a text file; a missing or unreadable file is an InventoryError. A vaulted file is decrypted. */
export async function readText(file: string, vault?: VaultKeyring): Promise<{ text: string; vaulted: boolean }> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    throw new InventoryError(code === 'ENOENT' ? `${file}: no such file` : `${file}: cannot read (${code ?? String(cause)})`, {
      pos: { file },
      cause,
      hint: code === 'EISDIR' ? 'pass the inventory YAML file, not its directory' : 'check the path given with -i/--inventory',
    });
  }
  if (!isVaultText(text)) return { text, vaulted: false };
  return { text: (vault ?? new VaultKeyring()).decrypt(text, { file, line: 1, column: 1 }), vaulted: true };
}

/** Read and parse a YAML file (decrypting it and its `!vault` values with `vault`). */
export async function readYaml(file: string, vault?: VaultKeyring): Promise<YamlSource> {
  const { text, vaulted } = await readText(file, vault);
  const src = parseYaml(file, text, vault);
  return vaulted ? { ...src, vaulted } : src;
}

export { looksLikeIni, INI_HINT };
