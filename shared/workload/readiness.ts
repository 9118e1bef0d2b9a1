/**
 * Readiness of Deployments and DaemonSets, as pure functions of the object and the time: Flagger's
 * judgement (ready / wait / failed, with its messages and ready thresholds) and Fledge's hard check of the
 * expected state, which does not trust the workload's own conditions.
 */
import type { DaemonSet, Deployment, WorkloadCondition } from './objects.ts';
import type { ExpectedState, Readiness, RolloutProgress } from './types.ts';

/** How to judge a Deployment's readiness. */
export interface DeploymentReadinessInput {
  readonly now: Date;
  /** The Canary's `progressDeadlineSeconds`. */
  readonly deadlineSeconds: number;
  /** `primaryReadyThreshold` / `canaryReadyThreshold`, percent of updated replicas that must be available. */
  readonly thresholdPercent: number;
}

function condition(conditions: readonly WorkloadCondition[] | undefined, type: string): WorkloadCondition | undefined {
  return conditions?.find((c) => c.type === type);
}

/**
 * Flagger's readiness of a Deployment. `failed` when the Deployment reports `ProgressDeadlineExceeded`, or
 * when it has had no minimum availability for longer than the Canary's deadline; `wait` while the rollout is
 * unfinished or fewer than `threshold`% of the updated replicas are available.
 */
export function deploymentReadiness(deployment: Deployment, input: DeploymentReadinessInput): Readiness {
  const status = deployment.status ?? {};
  if ((deployment.metadata.generation ?? 0) > (status.observedGeneration ?? 0)) {
    return { kind: 'wait', reason: 'waiting for rollout to finish: observed deployment generation less than desired generation' };
  }
  const progressing = condition(status.conditions, 'Progressing');
  let retriable = true;
  if (progressing) {
    const available = condition(status.conditions, 'Available');
    if (available?.status === 'False' && available.reason === 'MinimumReplicasUnavailable' && available.lastUpdateTime) {
      const since = Date.parse(available.lastUpdateTime);
      retriable = !(since + input.deadlineSeconds * 1000 < input.now.getTime());
    }
  }
  const updated = status.updatedReplicas ?? 0;
  const threshold = Math.trunc((updated * input.thresholdPercent) / 100);
  let waiting: string | undefined;
  if (progressing?.reason === 'ProgressDeadlineExceeded') {
    return { kind: 'failed', reason: `deployment "${deployment.metadata.name}" exceeded its progress deadline` };
  } else if (deployment.spec.replicas !== undefined && updated < deployment.spec.replicas) {
    waiting = `waiting for rollout to finish: ${updated} out of ${deployment.spec.replicas} new replicas have been updated`;
  } else if ((status.replicas ?? 0) > updated) {
    waiting = `waiting for rollout to finish: ${(status.replicas ?? 0) - updated} old replicas are pending termination`;
  } else if ((status.availableReplicas ?? 0) < threshold) {
    waiting = `waiting for rollout to finish: ${status.availableReplicas ?? 0} of ${threshold} (readyThreshold ${input.thresholdPercent}%) updated replicas are available`;
  }
  if (waiting === undefined) return { kind: 'ready' };
  return retriable ? { kind: 'wait', reason: waiting } : { kind: 'failed', reason: waiting };
}

/** How to judge a DaemonSet's readiness. */
export interface DaemonSetReadinessInput {
  readonly now: Date;
  readonly deadlineSeconds: number;
  /** Start of the deadline (DaemonSets report no progress deadline of their own). */
  readonly since?: Date;
}

/** Flagger's readiness of a DaemonSet: every scheduled daemon updated and available, within the deadline. */
export function daemonSetReadiness(daemonSet: DaemonSet, input: DaemonSetReadinessInput): Readiness {
  const status = daemonSet.status ?? {};
  if ((daemonSet.metadata.generation ?? 0) > (status.observedGeneration ?? 0)) {
    return { kind: 'wait', reason: 'waiting for rollout to finish: observed daemonset generation less than desired generation' };
  }
  const desired = status.desiredNumberScheduled ?? 0;
  const updated = status.updatedNumberScheduled ?? 0;
  const available = status.numberAvailable ?? 0;
  if (updated >= desired && available >= desired) return { kind: 'ready' };
  if (input.since && input.since.getTime() + input.deadlineSeconds * 1000 < input.now.getTime()) {
    return { kind: 'failed', reason: `exceeded its progressDeadlineSeconds: ${input.deadlineSeconds}` };
  }
  if (updated < desired) return { kind: 'wait', reason: `waiting for rollout to finish: ${updated} out of ${desired} new pods have been updated` };
  return { kind: 'wait', reason: `waiting for rollout to finish: ${available} of ${desired} updated pods are available` };
}

/**
 * The hard check of a Deployment: generation observed, every desired replica updated and available, no old
 * replica left. Deliberately ignores conditions and ready thresholds.
 */
export function deploymentExpectedState(deployment: Deployment): ExpectedState {
  const status = deployment.status ?? {};
  const generation = deployment.metadata.generation ?? 0;
  if (generation > (status.observedGeneration ?? 0)) {
    return { kind: 'pending', reason: `generation ${generation} not observed yet (observed ${status.observedGeneration ?? 0})` };
  }
  const desired = deployment.spec.replicas ?? 1;
  const updated = status.updatedReplicas ?? 0;
  if (updated < desired) return { kind: 'pending', reason: `${updated} of ${desired} replicas updated` };
  const old = (status.replicas ?? 0) - updated;
  if (old > 0) return { kind: 'pending', reason: `${old} old replicas still running` };
  const available = status.availableReplicas ?? 0;
  if (available < desired) return { kind: 'pending', reason: `${available} of ${desired} updated replicas available` };
  return { kind: 'reached' };
}

/** The hard check of a DaemonSet: generation observed, every scheduled daemon updated and available. */
export function daemonSetExpectedState(daemonSet: DaemonSet): ExpectedState {
  const status = daemonSet.status ?? {};
  const generation = daemonSet.metadata.generation ?? 0;
  if (generation > (status.observedGeneration ?? 0)) {
    return { kind: 'pending', reason: `generation ${generation} not observed yet (observed ${status.observedGeneration ?? 0})` };
  }
  const desired = status.desiredNumberScheduled ?? 0;
  const updated = status.updatedNumberScheduled ?? 0;
  if (updated < desired) return { kind: 'pending', reason: `${updated} of ${desired} pods updated` };
  const available = status.numberAvailable ?? 0;
  if (available < desired) return { kind: 'pending', reason: `${available} of ${desired} updated pods available` };
  return { kind: 'reached' };
}

/**
 * Progress of a Deployment's rollout: updated pods that are available. The status has no such count, so it is
 * bounded from below by the available pods minus the old ones still running, which is exact once the old
 * pods are gone and never counts an old pod as progress.
 */
export function deploymentProgress(deployment: Deployment): RolloutProgress {
  const status = deployment.status ?? {};
  const desired = deployment.spec.replicas ?? 1;
  if ((deployment.metadata.generation ?? 0) > (status.observedGeneration ?? 0)) return { updatedAvailable: 0, desired };
  const updated = status.updatedReplicas ?? 0;
  const old = Math.max(0, (status.replicas ?? 0) - updated);
  return { updatedAvailable: Math.max(0, Math.min(updated, (status.availableReplicas ?? 0) - old)), desired };
}

/** Progress of a DaemonSet's rollout, bounded as {@link deploymentProgress} is (old daemons are scheduled, not updated). */
export function daemonSetProgress(daemonSet: DaemonSet): RolloutProgress {
  const status = daemonSet.status ?? {};
  const desired = status.desiredNumberScheduled ?? 0;
  if ((daemonSet.metadata.generation ?? 0) > (status.observedGeneration ?? 0)) return { updatedAvailable: 0, desired };
  const updated = status.updatedNumberScheduled ?? 0;
  const old = Math.max(0, (status.currentNumberScheduled ?? 0) - updated);
  return { updatedAvailable: Math.max(0, Math.min(updated, (status.numberAvailable ?? 0) - old)), desired };
}

/** Prefixes a `wait`/`failed` reason (Flagger wraps each with the object it is about). */
export function describe(readiness: Readiness, prefix: string): Readiness {
  return readiness.kind === 'ready' ? readiness : { kind: readiness.kind, reason: `${prefix}${readiness.reason}` };
}
