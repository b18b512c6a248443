/** Where the project's own files are, for defaults. */
import { join } from 'node:path';
import { ROOT } from '../core/root.ts';

export { ROOT };
/** The recipe: what `provision --inventory hosts.yml` does when no playbook is named. */
export const DEFAULT_PLAYBOOK = join(ROOT, 'playbooks', 'tomcat-cluster.yml');
