/** The generic operations (issue 2): files, commands, services, packages, firewall, XML, debug. */
import type { OperationDef } from '../types.ts';
import { blockinfileOp } from './blockinfile.ts';
import { commandOp, shellOp } from './command.ts';
import { copyOp } from './copy.ts';
import { fileOp } from './file.ts';
import { lineinfileOp } from './lineinfile.ts';
import { serviceOp } from './service.ts';
import { templateOp } from './template.ts';

export { blockinfileOp, commandOp, copyOp, fileOp, lineinfileOp, serviceOp, shellOp, templateOp };

export const genericOperations: OperationDef<any>[] = [
  fileOp,
  copyOp,
  templateOp,
  lineinfileOp,
  blockinfileOp,
  commandOp,
  shellOp,
  serviceOp,
];
