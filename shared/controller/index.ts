export * from './types.ts';
export * from './errors.ts';
export { advanceCanary, canaryRef } from './advance.ts';
export { runtimeControl } from './control.ts';
export { gatherFacts, obtainNeeds } from './facts.ts';
export { applyClusterEffect, announce, isClusterEffect, CLUSTER_EFFECTS } from './effects.ts';
export { targetPorts, type TargetPortsOptions } from './ports.ts';
