/** Where provision keeps its state on a host (the host layer's layout builds on it; operations read managed sets there). */
export const STATE_DIR = '/var/lib/provision';

/**
 * The file in which an operation records what it added to a host under a `managed` name (the
 * firewall ports a task opened), so that a later run removes what the inputs no longer ask for and
 * never touches what provision did not add. Journaled and backed up like every file it writes.
 */
export function managedSetPath(kind: string, name: string): string {
  return `${STATE_DIR}/managed.${kind}.${name}.json`;
}
