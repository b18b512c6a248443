/**
 * Ansible Vault: files and `!vault` values encrypted by `ansible-vault` (format 1.1, and 1.2 with a
 * vault id), decrypted with the passwords given on the command line. The cipher (PBKDF2-SHA256,
 * AES-256-CTR, HMAC-SHA256) is the npm `ansible-vault` library's; we pick the password the way
 * Ansible does and remember every plaintext, so the runner masks it like a secret variable.
 */
import { Vault } from 'ansible-vault';
import { visit, type Document, type LineCounter, type Scalar } from 'yaml';
import { InventoryError, type SourcePos } from '../core/errors.ts';

/** One vault password and the id it was given under (`default` when none). */
export interface VaultSecret {
  id: string;
  password: string;
}

const HEADER = /^\$ANSIBLE_VAULT;(1\.[12]);AES256(?:;(.+))?\s*$/;
const HINT =
  'give the password with --ask-vault-pass, --vault-password-file FILE or --vault-id [label@]FILE (or ANSIBLE_VAULT_PASSWORD_FILE)';

/** True when text is ansible-vault output (a whole encrypted file or a `!vault` value). */
export function isVaultText(text: string): boolean {
  return text.trimStart().startsWith('$ANSIBLE_VAULT;');
}

function at(pos: SourcePos): string {
  return pos.line ? `${pos.file}:${pos.line}:${pos.column ?? 1}` : pos.file;
}

/** The vault passwords of a run, and every value decrypted with them. */
export class VaultKeyring {
  /** Plaintexts decrypted so far: secrets the runner masks in all output. */
  readonly revealed = new Set<string>();
  constructor(readonly secrets: VaultSecret[] = []) {}

  /**
   * Decrypt ansible-vault text, trying the password whose id the header names first and then
   * every other one (Ansible's default, DEFAULT_VAULT_ID_MATCH=false). Errors are InventoryErrors at `pos`.
   */
  decrypt(text: string, pos: SourcePos): string {
    // ansible-vault writes 80-column hex lines; indentation or CRs copied with a `!vault` block are not part of it.
    const lines = text
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter(Boolean);
    const m = HEADER.exec(lines[0] ?? '');
    if (!m) {
      throw new InventoryError(`${at(pos)}: not a vault this version reads: \`${lines[0] ?? ''}\``, {
        pos,
        hint: 'provision reads ansible-vault formats 1.1 and 1.2 with AES256; re-encrypt with `ansible-vault rekey`',
      });
    }
    const id = m[2];
    if (this.secrets.length === 0) {
      throw new InventoryError(`${at(pos)}: this is vault-encrypted${id ? ` (vault id \`${id}\`)` : ''} and no vault password was given`, {
        pos,
        hint: HINT,
      });
    }
    const ordered = [...this.secrets.filter((s) => s.id === id), ...this.secrets.filter((s) => s.id !== id)];
    const body = [`$ANSIBLE_VAULT;${m[1]};AES256${id ? `;${id}` : ''}`, ...lines.slice(1)].join('\n');
    for (const s of ordered) {
      let plain: string | undefined;
      try {
        plain = new Vault({ password: s.password }).decryptSync(body, undefined);
      } catch {
        continue; // wrong password: HMAC mismatch
      }
      if (plain === undefined) continue;
      if (plain !== '') this.revealed.add(plain);
      return plain;
    }
    const tried = ordered.map((s) => s.id).join(', ');
    throw new InventoryError(`${at(pos)}: no vault password given decrypts this (tried vault ids: ${tried})`, {
      pos,
      hint: `check the password${id ? ` for vault id \`${id}\`` : ''}; ${HINT}`,
    });
  }
}

/** The `!vault` tag for the yaml parser: the value stays the ciphertext until revealVaultValues. */
export const VAULT_TAG = {
  tag: '!vault',
  identify: () => false,
  resolve: (s: string) => s,
};

/**
 * Replace every `!vault` scalar of a parsed document by its plaintext, in place, before `toJS`.
 * Without a keyring a vaulted value is an error at its own line.
 */
export function revealVaultValues(doc: Document, lc: LineCounter, file: string, keyring: VaultKeyring | undefined): void {
  visit(doc, {
    Scalar(_key, node: Scalar) {
      if (node.tag !== '!vault') return;
      const { line, col } = lc.linePos(node.range?.[0] ?? 0);
      node.value = (keyring ?? new VaultKeyring()).decrypt(String(node.value), { file, line, column: col });
      node.tag = 'tag:yaml.org,2002:str';
    },
  });
}
