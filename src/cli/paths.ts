/** Where the project's own files are, for defaults. */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** The recipe: what `provision --inventory hosts.yml` does when no playbook is named. */
export const DEFAULT_PLAYBOOK = join(ROOT, 'playbooks', 'tomcat-cluster.yml');
