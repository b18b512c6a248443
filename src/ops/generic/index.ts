/** The generic operations (issue 2): files, commands, services, packages, firewall, XML, debug. */
import type { OperationDef } from '../types.ts';
import { assertOp, failOp } from './assert.ts';
import { blockinfileOp } from './blockinfile.ts';
import { commandOp, shellOp } from './command.ts';
import { copyOp } from './copy.ts';
import { debugOp } from './debug.ts';
import { fileOp } from './file.ts';
import { firewallOp } from './firewall.ts';
import { lineinfileOp } from './lineinfile.ts';
import { packageOp } from './package.ts';
import { replaceOp } from './replace.ts';
import { serviceOp } from './service.ts';
import { setFactOp } from './set-fact.ts';
import { statOp } from './stat.ts';
import { templateOp } from './template.ts';
import { unarchiveOp } from './unarchive.ts';
import { uriOp } from './uri.ts';
import { waitForOp } from './wait-for.ts';
import { xmlOp } from './xml.ts';

export {
  blockinfileOp,
  commandOp,
  copyOp,
  debugOp,
  fileOp,
  firewallOp,
  lineinfileOp,
  packageOp,
  replaceOp,
  serviceOp,
  shellOp,
  templateOp,
  xmlOp,
};

export const genericOperations: OperationDef<any>[] = [
  fileOp,
  copyOp,
  templateOp,
  lineinfileOp,
  blockinfileOp,
  replaceOp,
  commandOp,
  shellOp,
  serviceOp,
  packageOp,
  firewallOp,
  xmlOp,
  debugOp,
  setFactOp,
  assertOp,
  failOp,
  statOp,
  waitForOp,
  uriOp,
  unarchiveOp,
];
