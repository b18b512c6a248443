/** A YAML file of the playbook read with positions, so every problem names file:line:column. */
import { readFile } from 'node:fs/promises';
import { LineCounter, parseDocument, type Document, type Node, type YAMLMap } from 'yaml';
import { PlaybookError, type SourcePos } from '../core/errors.ts';
import { pyyamlTags } from '../core/pyyaml.ts';
import { isVaultText, revealVaultValues, VAULT_TAG, VaultKeyring } from '../inventory/vault.ts';
import type { OperationDef } from '../ops/types.ts';

/** One file being loaded: its name, positions and the operations tasks may name. */
export interface Ctx {
  file: string;
  lc: LineCounter;
  doc: Document;
  ops: Map<string, OperationDef<any>>;
  /** Vault passwords: a vault-encrypted file and `!vault` values in it are decrypted, as Ansible does. */
  vault?: VaultKeyring;
}

/** Where a node was written (the file alone when it has no range). */
export function at(ctx: Ctx, node: unknown): SourcePos {
  const range = (node as Node | undefined)?.range;
  if (!range) return { file: ctx.file };
  const { line, col } = ctx.lc.linePos(range[0]);
  return { file: ctx.file, line, column: col };
}

/** Where the key `k` of a mapping was written. */
export function keyAt(ctx: Ctx, node: YAMLMap, k: string): SourcePos {
  return at(ctx, node.items.find((p) => (p.key as { value?: unknown }).value === k)?.key);
}

export function playbookError(pos: SourcePos, message: string, hint?: string): PlaybookError {
  const where = pos.line ? `${pos.file}:${pos.line}:${pos.column ?? 1}` : pos.file;
  return new PlaybookError(`${where}: ${message}`, { pos, hint });
}

export function list(v: unknown): string[] {
  if (v === undefined || v === null) return [];
  return (Array.isArray(v) ? v : [v]).map(String);
}

/**
 * Read and parse one YAML file (YAML 1.1 as PyYAML reads it, as Ansible): a vault-encrypted file
 * and its `!vault` values are decrypted with `vault`; a syntax error points at its line with a caret.
 * `vaulted`: the whole file was encrypted.
 */
export async function readYaml(file: string, ops: Map<string, OperationDef<any>>, vault?: VaultKeyring) {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new PlaybookError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? err}`, {
      pos: { file },
      hint: 'check the path',
    });
  }
  const vaulted = isVaultText(text);
  if (vaulted) text = (vault ?? new VaultKeyring()).decrypt(text, { file, line: 1, column: 1 });
  const lc = new LineCounter();
  const doc = parseDocument(text, {
    version: '1.1',
    customTags: (tags) => [...pyyamlTags(tags), VAULT_TAG],
    lineCounter: lc,
    prettyErrors: false,
  });
  const err = doc.errors[0];
  if (err) {
    const { line, col } = lc.linePos(err.pos[0]);
    const src = text.split(/\r?\n/)[line - 1] ?? '';
    throw playbookError(
      { file, line, column: col },
      `${err.message.split('\n')[0]}\n  ${src}\n  ${' '.repeat(col - 1)}^`,
      'fix the YAML syntax (indentation, a missing colon or quote)',
    );
  }
  revealVaultValues(doc, lc, file, vault);
  return { doc, vaulted, ctx: { file, lc, doc, ops, ...(vault ? { vault } : {}) } satisfies Ctx };
}
