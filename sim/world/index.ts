export * from './types.ts';
export * from './errors.ts';
export { createWorld } from './world.ts';
export { DEFAULT_IMAGE_BEHAVIOUR, imageBehaviourIssues } from './images.ts';
export type { ImageBehaviourIssue } from './images.ts';
export { isPrimaryName } from './primary.ts';
export { podTemplateHash } from './hash.ts';
export { GVR as WORLD_RESOURCES } from './cluster.ts';
export { KNATIVE as KNATIVE_RESOURCES, revisionFor as knativeRevisionFor } from './knative.ts';
