import type { KubeObject } from '../emulator/types.ts';
import { intField, scaledIntOrPercent } from './objects.ts';
import type { Condition, LabelSelector } from './objects.ts';
import type { PodTemplate } from './pods.ts';

/** A Deployment's spec with the API server's defaults applied. */
export interface DeploymentSpec {
  readonly replicas: number;
  readonly selector: LabelSelector;
  readonly template: PodTemplate;
  readonly strategy: { readonly type: 'RollingUpdate'; readonly maxSurge: unknown; readonly maxUnavailable: unknown } | { readonly type: 'Recreate' };
  readonly minReadySeconds: number;
  /** `undefined` when set to MaxInt32, which Kubernetes reads as "no deadline". */
  readonly progressDeadlineSeconds: number | undefined;
  readonly revisionHistoryLimit: number;
  readonly paused: boolean;
}

/** A Deployment's status counts with zeros filled in, plus conditions and collision count. */
export interface DeploymentStatus {
  observedGeneration: number;
  replicas: number;
  updatedReplicas: number;
  readyReplicas: number;
  availableReplicas: number;
  unavailableReplicas: number;
  conditions: Condition[];
  collisionCount: number;
}

const MAX_INT32 = 2147483647;

/** `spec` of `d` with defaults: 1 replica, RollingUpdate 25%/25%, 600 s progress deadline, 10 old ReplicaSets kept. */
export function deploymentSpec(d: KubeObject): DeploymentSpec {
  const spec = (d['spec'] ?? {}) as Record<string, unknown>;
  const strategy = (spec['strategy'] ?? {}) as { type?: string; rollingUpdate?: { maxSurge?: unknown; maxUnavailable?: unknown } };
  const deadline = intField(spec['progressDeadlineSeconds'], 600);
  return {
    replicas: intField(spec['replicas'], 1),
    selector: (spec['selector'] ?? {}) as LabelSelector,
    template: (spec['template'] ?? {}) as PodTemplate,
    strategy:
      strategy.type === 'Recreate'
        ? { type: 'Recreate' }
        : { type: 'RollingUpdate', maxSurge: strategy.rollingUpdate?.maxSurge ?? '25%', maxUnavailable: strategy.rollingUpdate?.maxUnavailable ?? '25%' },
    minReadySeconds: intField(spec['minReadySeconds'], 0),
    progressDeadlineSeconds: deadline === MAX_INT32 ? undefined : deadline,
    revisionHistoryLimit: intField(spec['revisionHistoryLimit'], 10),
    paused: spec['paused'] === true,
  };
}

/** The stored status of `d` with zeros filled in. */
export function deploymentStatus(d: KubeObject): DeploymentStatus {
  const s = (d['status'] ?? {}) as Record<string, unknown>;
  return {
    observedGeneration: intField(s['observedGeneration'], 0),
    replicas: intField(s['replicas'], 0),
    updatedReplicas: intField(s['updatedReplicas'], 0),
    readyReplicas: intField(s['readyReplicas'], 0),
    availableReplicas: intField(s['availableReplicas'], 0),
    unavailableReplicas: intField(s['unavailableReplicas'], 0),
    conditions: Array.isArray(s['conditions']) ? [...(s['conditions'] as Condition[])] : [],
    collisionCount: intField(s['collisionCount'], 0),
  };
}

/** The status as the API serialises it: zero counts omitted (`omitempty`), as a real server returns them. */
export function serializeDeploymentStatus(s: DeploymentStatus): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (s.observedGeneration > 0) out['observedGeneration'] = s.observedGeneration;
  for (const key of ['replicas', 'updatedReplicas', 'readyReplicas', 'availableReplicas', 'unavailableReplicas'] as const) if (s[key] > 0) out[key] = s[key];
  if (s.conditions.length > 0) out['conditions'] = s.conditions;
  if (s.collisionCount > 0) out['collisionCount'] = s.collisionCount;
  return out;
}

/**
 * Kubernetes' `ResolveFenceposts`: maxSurge rounds up, maxUnavailable rounds down, and when both come to zero
 * one pod may be unavailable so that the rollout can move.
 */
export function resolveFenceposts(spec: DeploymentSpec): { maxSurge: number; maxUnavailable: number } {
  if (spec.strategy.type !== 'RollingUpdate') return { maxSurge: 0, maxUnavailable: 0 };
  const maxSurge = scaledIntOrPercent(spec.strategy.maxSurge, spec.replicas, true) ?? Math.ceil(spec.replicas / 4);
  const maxUnavailable = scaledIntOrPercent(spec.strategy.maxUnavailable, spec.replicas, false) ?? Math.floor(spec.replicas / 4);
  return maxSurge === 0 && maxUnavailable === 0 ? { maxSurge, maxUnavailable: 1 } : { maxSurge, maxUnavailable };
}

/** Kubernetes' `MaxUnavailable`: 0 for Recreate or zero replicas, never more than the replicas. */
export function maxUnavailable(spec: DeploymentSpec): number {
  if (spec.strategy.type !== 'RollingUpdate' || spec.replicas === 0) return 0;
  return Math.min(resolveFenceposts(spec).maxUnavailable, spec.replicas);
}

/** Kubernetes' `DeploymentComplete`: every replica updated and available, and generation `generation` observed. */
export function isDeploymentComplete(spec: DeploymentSpec, generation: number, s: DeploymentStatus): boolean {
  return s.updatedReplicas === spec.replicas && s.replicas === spec.replicas && s.availableReplicas === spec.replicas && s.observedGeneration >= generation;
}
