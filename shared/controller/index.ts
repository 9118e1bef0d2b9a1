export * from './types.ts';
export * from './errors.ts';
export { advanceCanary, canaryRef } from './advance.ts';
export { runtimeControl } from './control.ts';
export { gatherFacts, obtainNeeds } from './facts.ts';
export { applyClusterEffect, announce, isClusterEffect, CLUSTER_EFFECTS } from './effects.ts';
export { targetPorts, type TargetPortsOptions } from './ports.ts';
export { runScheduledAdvance, parseAdvanceEvent, SCHEDULER_PERIOD_MS, SAFETY_MARGIN_MS, type ScheduledDeps, type ScheduledOutcome } from './scheduled.ts';
export { planWatch, watchCluster, inFlightSchedules, RESTING_PHASES, type WatchAction, type WatchDeps, type WatchInput, type WatchReport, type WatchedCanary } from './watch.ts';
