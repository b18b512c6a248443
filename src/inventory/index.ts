/** The inventory layer's public API. */
export { loadInventory } from './load.ts';
export { selectHosts, evaluatePattern, type SelectOptions } from './limit.ts';
export { connectionSpecFor, resolvePath, type ConnectionDefaults } from './connection.ts';
export { secretValues, isSecretVar } from './secrets.ts';
export { toBool, toInt, isTemplate } from './connection-vars.ts';
export type { Inventory, InventoryGroup, InventoryHost, VarEntry, VarMap } from './types.ts';
