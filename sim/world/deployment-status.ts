import type { KubeObject } from '../emulator/types.ts';
import { GVR } from './cluster.ts';
import type { WorldContext } from './context.ts';
import { isDeploymentComplete, maxUnavailable, serializeDeploymentStatus } from './deployment-spec.ts';
import type { DeploymentSpec, DeploymentStatus } from './deployment-spec.ts';
import { findCondition, intField, parseTime, setCondition, timestamp } from './objects.ts';
import type { Condition } from './objects.ts';
import { replicaSetCounts, replicaSetSpec } from './replicaset.ts';

/** Kubernetes' condition reasons for Deployments. */
export const DeploymentReason = {
  NewReplicaSetCreated: 'NewReplicaSetCreated',
  FoundNewReplicaSet: 'FoundNewReplicaSet',
  ReplicaSetUpdated: 'ReplicaSetUpdated',
  NewReplicaSetAvailable: 'NewReplicaSetAvailable',
  ProgressDeadlineExceeded: 'ProgressDeadlineExceeded',
  MinimumReplicasAvailable: 'MinimumReplicasAvailable',
  MinimumReplicasUnavailable: 'MinimumReplicasUnavailable',
  DeploymentPaused: 'DeploymentPaused',
  DeploymentResumed: 'DeploymentResumed',
} as const;

/** A condition stamped with `now` as both update and transition time. */
export function deploymentCondition(type: 'Progressing' | 'Available', status: Condition['status'], reason: string, message: string, now: Date): Condition {
  const at = timestamp(now);
  return { type, status, lastUpdateTime: at, lastTransitionTime: at, reason, message };
}

/** Kubernetes' `DeploymentProgressing`: more updated, ready or available replicas, or fewer old ones, than last time. */
function madeProgress(before: DeploymentStatus, after: DeploymentStatus): boolean {
  return (
    after.updatedReplicas > before.updatedReplicas ||
    after.replicas - after.updatedReplicas < before.replicas - before.updatedReplicas ||
    after.readyReplicas > before.readyReplicas ||
    after.availableReplicas > before.availableReplicas
  );
}

/** Kubernetes' `DeploymentTimedOut`: no progress for more than `progressDeadlineSeconds` since the condition's last update. */
function timedOut(spec: DeploymentSpec, s: DeploymentStatus, now: Date): boolean {
  const cond = findCondition(s.conditions, 'Progressing');
  if (!cond || spec.progressDeadlineSeconds === undefined) return false;
  if (cond.reason === DeploymentReason.NewReplicaSetAvailable) return false;
  if (cond.reason === DeploymentReason.ProgressDeadlineExceeded) return true;
  const from = parseTime(cond.lastUpdateTime);
  return from !== undefined && from + spec.progressDeadlineSeconds * 1000 < now.getTime();
}

/**
 * Computes and writes a Deployment's status from its ReplicaSets, as the deployment controller's
 * `syncRolloutStatus` does (or `syncDeploymentStatus`, without progress accounting, when `trackProgress` is
 * false: paused or being deleted). `draft` carries the conditions set earlier in this sync.
 */
export function writeDeploymentStatus(
  ctx: WorldContext,
  deployment: KubeObject,
  spec: DeploymentSpec,
  draft: DeploymentStatus,
  stored: DeploymentStatus,
  replicaSets: readonly KubeObject[],
  newRS: KubeObject | undefined,
  trackProgress: boolean,
): void {
  const counts = replicaSets.map(replicaSetCounts);
  const sum = (f: (c: (typeof counts)[number]) => number): number => counts.reduce((n, c) => n + f(c), 0);
  const specTotal = replicaSets.reduce((n, rs) => n + intField(replicaSetSpec(rs).replicas, 1), 0);
  const available = sum((c) => c.availableReplicas);
  const status: DeploymentStatus = {
    observedGeneration: deployment.metadata.generation ?? 0,
    replicas: sum((c) => c.replicas),
    updatedReplicas: newRS ? replicaSetCounts(newRS).replicas : 0,
    readyReplicas: sum((c) => c.readyReplicas),
    availableReplicas: available,
    unavailableReplicas: Math.max(0, specTotal - available),
    conditions: draft.conditions,
    collisionCount: draft.collisionCount,
  };
  status.conditions =
    available >= spec.replicas - maxUnavailable(spec)
      ? setCondition(status.conditions, deploymentCondition('Available', 'True', DeploymentReason.MinimumReplicasAvailable, 'Deployment has minimum availability.', ctx.now))
      : setCondition(status.conditions, deploymentCondition('Available', 'False', DeploymentReason.MinimumReplicasUnavailable, 'Deployment does not have minimum availability.', ctx.now));

  const current = findCondition(status.conditions, 'Progressing');
  const settled = status.replicas === status.updatedReplicas && current?.reason === DeploymentReason.NewReplicaSetAvailable;
  if (trackProgress && spec.progressDeadlineSeconds !== undefined && !settled) {
    const subject = newRS ? `ReplicaSet "${newRS.metadata.name}"` : `Deployment "${deployment.metadata.name}"`;
    if (isDeploymentComplete(spec, deployment.metadata.generation ?? 0, status)) {
      status.conditions = setCondition(status.conditions, deploymentCondition('Progressing', 'True', DeploymentReason.NewReplicaSetAvailable, `${subject} has successfully progressed.`, ctx.now));
    } else if (madeProgress(stored, status)) {
      // Progress refreshes lastUpdateTime even when the reason stays the same: the deadline counts from it.
      const next = deploymentCondition('Progressing', 'True', DeploymentReason.ReplicaSetUpdated, `${subject} is progressing.`, ctx.now);
      if (current?.status === 'True' && current.lastTransitionTime) next.lastTransitionTime = current.lastTransitionTime;
      status.conditions = [...status.conditions.filter((c) => c.type !== 'Progressing'), next];
    } else if (timedOut(spec, status, ctx.now)) {
      status.conditions = setCondition(status.conditions, deploymentCondition('Progressing', 'False', DeploymentReason.ProgressDeadlineExceeded, `${subject} has timed out progressing.`, ctx.now));
    }
  }
  const fresh = ctx.cluster.get(GVR.deployments, deployment.metadata.namespace, deployment.metadata.name);
  if (fresh) ctx.cluster.updateStatus(GVR.deployments, fresh, serializeDeploymentStatus(status));
}
