export * from './types.ts';
export * from './errors.ts';
export { scheduleName, rateExpression, rateMinutes, targetInput, parseTargetInput, MAX_SCHEDULE_NAME } from './names.ts';
export { EventBridgeSchedules, type EventBridgeSchedulesProps } from './eventbridge.ts';
export { InProcessSchedules, systemTimer, type InProcessSchedulesProps, type Timer } from './in-process.ts';
