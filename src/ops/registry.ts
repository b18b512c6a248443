/** Every operation a playbook can name. */
import type { OperationDef } from './types.ts';

export async function loadOperations(): Promise<Map<string, OperationDef<any>>> {
  const lists: OperationDef<any>[][] = [];
  const { genericOperations } = await import('./generic/index.ts');
  lists.push(genericOperations);
  for (const mod of ['./tomcat/index.ts', './httpd/index.ts']) {
    const m = (await import(mod).catch(() => ({}))) as { operations?: OperationDef<any>[] };
    if (m.operations) lists.push(m.operations);
  }
  return new Map(lists.flat().map((op) => [op.name, op]));
}
