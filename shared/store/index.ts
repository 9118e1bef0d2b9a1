export * from './types.ts';
export * from './errors.ts';
export { MemoryCanaryStore } from './memory.ts';
export { DynamoDbCanaryStore } from './dynamodb.ts';
export { requestControl, historyExpiry, type ControlRequestResult, type RequestControlOptions } from './controls.ts';
export { tableDefinition, createTable, Keys, BY_CLUSTER_INDEX } from './table.ts';
export { itemSize } from './codec.ts';
