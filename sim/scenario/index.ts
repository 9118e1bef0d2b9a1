export * from './types.ts';
export * from './errors.ts';
export { parseScenario, parseScenarioSources, DEFAULT_NAMESPACE, type ScenarioSource } from './parse.ts';
export { runScenario, type RunOptions, type RunResult } from './run.ts';
export { tickLineJson, summaryJson, summarize, humanLine, humanSummary, formatTime, weightBar } from './output.ts';
export { WorldMetrics, WorldHooks, RecordingNotifier, imageBehaviour, WORLD_PROVIDER, type CanaryImageLookup } from './answers.ts';
export { startSimulation, VirtualClock, RecordingEvents, SIMULATED_CLUSTER, type Simulation } from './simulation.ts';
