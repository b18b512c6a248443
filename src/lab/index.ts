/** The lab: throwaway CentOS-7-looking hosts in network namespaces, for tests and demos. */
export { labUp } from './up.ts';
export { labDown, leftovers, type LabDownResult } from './down.ts';
export { labStatus, labInfo, type LabStatus } from './status.ts';
export { labExec, hostState, type LabExecOptions } from './exec.ts';
export { KNOWN_HOSTS_VAR } from './files.ts';
export { resolveSettings, planHosts } from './settings.ts';
export type { RunResult } from './run.ts';
export type { LabHost, LabInfo, LabInit, LabLayout, LabOptions, LabProfile, LabState, HostState } from './types.ts';
