export * from './types.ts';
export * from './errors.ts';
export { parseScenario, parseScenarioSources, DEFAULT_NAMESPACE, type ScenarioSource } from './parse.ts';
export { runScenario, runEndsAfter, type RunOptions, type RunResult } from './run.ts';
export { applyEntry, SCENARIO_ACTOR } from './timeline.ts';
export { tickLineJson, summaryJson, summarize, humanLine, humanSummary, formatTime, weightBar } from './output.ts';
export { WorldMetrics, WorldHooks, RecordingNotifier, imageBehaviour, type CanaryImageLookup } from './answers.ts';
export { startSimulation, settleInterval, VirtualClock, RecordingEvents, SIMULATED_CLUSTER, SETTLES_BEFORE_CONTROLLER, type Simulation } from './simulation.ts';
