export * from './types.ts';
export * from './errors.ts';
export { createClusterState } from './store.ts';
export type { ClusterStateOptions } from './store.ts';
export { BUILTIN_RESOURCES, ResourceRegistry, apiVersionOf, parseApiVersion } from './resources.ts';
export { wallClock, timestamp, deterministicUids } from './meta.ts';
