/** Every operation a playbook can name. */
import { genericOperations } from './generic/index.ts';
import { operations as httpdOperations } from './httpd/index.ts';
import { operations as tomcatOperations } from './tomcat/index.ts';
import type { OperationDef } from './types.ts';

export async function loadOperations(): Promise<Map<string, OperationDef<any>>> {
  return new Map([...genericOperations, ...tomcatOperations, ...httpdOperations].map((op) => [op.name, op]));
}
