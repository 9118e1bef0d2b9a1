export * from './types.ts';
export { step } from './step.ts';
export { events, alerts } from './messages.ts';
export type { Names, Bound } from './messages.ts';
export { goDurationMs, goFloat } from './format.ts';
export { revisionChecksum } from './hash.ts';
export { metricKey } from './tick.ts';
export { FLAGGER_FINALIZER, canaryDeleted, hasFinalizer, isDeleting } from './deletion.ts';
