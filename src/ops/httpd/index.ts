/** Apache httpd operations. */
import type { OperationDef } from '../types.ts';
import { httpdBalancerOp } from './balancer.ts';

export { httpdBalancerOp };
export { apacheService, configTestCommand, detectLayout } from './layout.ts';

export const operations: OperationDef<any>[] = [httpdBalancerOp];
