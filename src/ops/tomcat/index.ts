/** The Tomcat operations and their pure planners. */
export { tomcatInstance, COPY_EXCLUDE, type TomcatInstanceArgs } from './instance.ts';
export { tomcatCluster, receiverPort, type TomcatClusterArgs } from './cluster-op.ts';
export { war, type WarArgs } from './war.ts';
export { tomcatUnit, instanceUnitText, setUnitEnv, type TomcatUnitArgs } from './unit.ts';
export { buildClusterXml, memberUniqueId, type ClusterSpec, type StaticMemberSpec } from './cluster.ts';
export { editServerXml, resolvePorts, type AjpSpec, type PortSpec, type ServerXmlSpec, type ResolvedPorts } from './server-xml.ts';
export { ensureDistributable, isDistributable } from './web-xml.ts';
export { ensureEnvInCatalinaSh, ensureEnvInSetenv, envBlock, type InstanceEnv } from './env-block.ts';
export { parseTomcatVersion, versionCommand, type TomcatVersion } from './version.ts';
export { INSTANCES_VAR, type InstanceRef } from './common.ts';

import { tomcatInstance } from './instance.ts';
import { tomcatCluster } from './cluster-op.ts';
import { war } from './war.ts';
import { tomcatUnit } from './unit.ts';
/** For the operation registry. */
export const tomcatOperations = [tomcatInstance, tomcatCluster, war, tomcatUnit];
/** The name the operation registry (src/ops/registry.ts) loads. */
export const operations = tomcatOperations;
