/**
 * Every event and alert text the engine produces, in one place. Flagger's texts are copied word for word from
 * its scheduler (`<n>.<ns>` is the Canary, `<t>.<ns>` the target); the texts Fledge adds are marked so.
 */
import { fixed2, goDurationMs, goFloat } from './format.ts';

/** Names a message needs: the Canary, its target and namespace. */
export interface Names {
  readonly name: string;
  readonly namespace: string;
  readonly target: string;
}

const canary = (n: Names): string => `${n.name}.${n.namespace}`;
const target = (n: Names): string => `${n.target}.${n.namespace}`;
const primary = (n: Names): string => `${n.target}-primary.${n.namespace}`;

/** Which side of the accepted range a value fell. */
export type Bound = 'min' | 'max';
const cmp = (bound: Bound): string => (bound === 'min' ? '<' : '>');

/** A rollout without progress: for how long, and how many of its desired replicas it had made available. */
export interface Stall {
  readonly seconds: number;
  readonly available: number;
  readonly desired: number;
}
const stalled = (s: Stall): string => `no progress for ${s.seconds}s since ${s.available} of ${s.desired} updated replicas became available`;

/** Kubernetes event texts. */
export const events = {
  suspended: (): string => 'skipping canary run as object is suspended',
  initializationDone: (n: Names): string => `Initialization done! ${canary(n)}`,
  metricProvidersUnavailable: (reasons: string): string => `Error checking metric providers: ${reasons}`,
  newRevisionScalingUp: (n: Names): string => `New revision detected! Scaling up ${target(n)}`,
  newRevisionRestarting: (n: Names): string => `New revision detected! Restarting analysis for ${target(n)}`,
  startingAnalysis: (n: Names): string => `Starting canary analysis for ${target(n)}`,
  advanceCanaryWeight: (n: Names, weight: number): string => `Advance ${canary(n)} canary weight ${weight}`,
  advanceIteration: (n: Names, iteration: number, of: number): string =>
    `Advance ${canary(n)} canary iteration ${iteration}/${of}`,
  advancePrimaryWeight: (n: Names, weight: number): string => `Advance ${canary(n)} primary weight ${weight}`,

  haltSuccessRate: (n: Names, value: number, limit: number, bound: Bound): string =>
    `Halt ${canary(n)} advancement success rate ${fixed2(value)}% ${cmp(bound)} ${goFloat(limit)}%`,
  haltRequestDuration: (n: Names, valueMs: number, limitMs: number, bound: Bound): string =>
    `Halt ${canary(n)} advancement request duration ${goDurationMs(valueMs)} ${cmp(bound)} ${goDurationMs(limitMs)}`,
  haltMetric: (n: Names, metric: string, value: number, limit: number, bound: Bound): string =>
    `Halt ${canary(n)} advancement ${metric} ${fixed2(value)} ${cmp(bound)} ${goFloat(limit)}`,
  haltNoValuesBuiltin: (n: Names, observer: string, metric: string): string =>
    `Halt advancement no values found for ${observer} metric ${metric} probably ${target(n)} is not receiving traffic`,
  haltNoValuesQuery: (metric: string): string => `Halt advancement no values found for metric: ${metric}`,
  haltNoValuesTemplate: (metric: string, reason: string): string =>
    `Halt advancement no values found for custom metric: ${metric}: ${reason}`,
  builtinQueryFailed: (error: string): string => `Prometheus query failed: ${error}`,
  queryFailed: (metric: string, error: string): string => `Prometheus query failed for ${metric}: ${error}`,
  templateQueryFailed: (metric: string, error: string): string => `Metric query failed for ${metric}: ${error}`,

  haltWaitingApproval: (n: Names, hook: string): string => `Halt ${canary(n)} advancement waiting for approval ${hook}`,
  haltWaitingPromotionApproval: (n: Names, hook: string): string =>
    `Halt ${canary(n)} advancement waiting for promotion approval ${hook}`,
  haltWaitingTrafficIncreaseApproval: (n: Names, hook: string): string =>
    `Halt ${canary(n)} advancement waiting for traffic increase approval ${hook}`,
  confirmRolloutPassed: (hook: string): string => `Confirm-rollout check ${hook} passed`,
  confirmPromotionPassed: (hook: string): string => `Confirm-promotion check ${hook} passed`,
  confirmTrafficIncreasePassed: (hook: string): string => `Confirm-traffic-increase check ${hook} passed`,
  preRolloutPassed: (hook: string): string => `Pre-rollout check ${hook} passed`,
  haltPreRolloutFailed: (n: Names, hook: string, detail: string): string =>
    `Halt ${canary(n)} advancement pre-rollout check ${hook} failed ${detail}`,
  haltExternalCheckFailed: (n: Names, hook: string, detail: string): string =>
    `Halt ${canary(n)} advancement external check ${hook} failed ${detail}`,
  /** Fledge's: a pre-rollout or rollout hook answered `{"status":"IN_PROGRESS"}`. */
  haltCheckInProgress: (n: Names, type: string, hook: string, retryAfterSeconds?: number): string =>
    `Halt ${canary(n)} advancement ${type} check ${hook} in progress${retryAfterSeconds === undefined ? '' : `, retry after ${retryAfterSeconds}s`}`,
  rollbackHookNotSignaling: (hook: string): string => `Rollback hook ${hook} not signaling a rollback`,
  rollbackCheckPassed: (hook: string): string => `Rollback check ${hook} passed`,
  postRolloutPassed: (hook: string): string => `Post-rollout check ${hook} passed`,
  postRolloutFailed: (hook: string, detail: string): string => `Post-rollout hook ${hook} failed ${detail}`,

  rollingBackThreshold: (n: Names, failedChecks: number): string =>
    `Rolling back ${canary(n)} failed checks threshold reached ${failedChecks}`,
  rollingBackManual: (n: Names): string => `Rolling back ${canary(n)} manual webhook invoked`,
  rollingBackDeadline: (n: Names, reason: string): string => `Rolling back ${canary(n)} progress deadline exceeded ${reason}`,
  canaryFailed: (n: Names): string => `Canary failed! Scaling down ${canary(n)}`,

  copying: (n: Names): string => `Copying ${target(n)} template spec to ${primary(n)}`,
  routingAllToPrimary: (): string => 'Routing all traffic to primary',
  routingAllToCanary: (): string => 'Routing all traffic to canary',
  stopMirroring: (): string => 'Stop traffic mirroring and route all traffic to canary',
  promotionCompleted: (n: Names): string => `Promotion completed! Scaling down ${target(n)}`,
  promotionSkipped: (n: Names): string => `Promotion completed! Canary analysis was skipped for ${target(n)}`,

  kubernetesNoAB: (): string => 'A/B testing is not supported when using the kubernetes provider',
  kubernetesNoProgressive: (): string => 'Progressive traffic is not supported when using the kubernetes provider',
  kubernetesIterations: (iterations: number): string => `Setting canaryAnalysis.iterations: ${iterations}`,

  // Fledge's own texts.
  /** Fledge: a runtime `pause` freezes the canary like `spec.suspend`. */
  paused: (): string => 'skipping canary run as object is paused',
  /** Fledge: runtime controls. */
  controlled: (action: string, by: string): string => `Runtime control ${action} requested by ${by}`,
  controlIgnored: (action: string, phase: string): string => `Runtime control ${action} ignored in phase ${phase}`,
  rollingBackAborted: (n: Names, by: string): string => `Rolling back ${canary(n)} aborted by ${by}`,
  promotionRequested: (n: Names, by: string): string =>
    `Promotion of ${target(n)} requested by ${by}, skipping the remaining analysis`,
  retrying: (n: Names, by: string): string => `Retrying the failed revision of ${target(n)} as requested by ${by}`,
  /** Fledge: going back to the promoted spec cancels the run instead of analysing the promoted spec again. */
  revertedToPromoted: (n: Names): string => `Revision of ${target(n)} reverted to the promoted spec, cancelling the analysis`,
  /** Fledge: the revision a gate held back was reverted before its run started. */
  pendingRevisionGone: (n: Names): string => `Pending revision of ${target(n)} was reverted, no longer waiting for approval`,
  /** Fledge: promotion failure handling (seeds 000 and 001). */
  promotionFailed: (reason: string): string => `Promotion failed, primary not ready: ${reason}`,
  primaryNoReplica: (n: Names): string => `Primary ${primary(n)} has no ready replica, routing all traffic to the canary`,
  /** Fledge: a Recreate-like primary update would leave nothing to serve the traffic the primary carries. */
  primaryUpdateDisruptive: (n: Names): string =>
    `Primary ${primary(n)} has no available replica while it is updated, routing all traffic to the canary`,
  restoringPrimary: (n: Names): string => `Restoring ${primary(n)} to the last promoted revision`,
  primaryRestored: (): string => 'Primary restored to the last promoted revision',
  nothingToRestore: (n: Names): string =>
    `No promoted template is kept for ${primary(n)}, traffic stays on the canary`,
  restoreOverdue: (n: Names, reason: string): string =>
    `Primary ${primary(n)} restore did not complete in time, traffic stays on the canary: ${reason}`,
  /** Fledge: a primary that disappeared is rebuilt from a tested revision, never from the target as it is now. */
  primaryRebuilt: (n: Names): string => `Primary ${primary(n)} was missing; rebuilt from the last promoted revision`,
  primaryRebuiltPromoting: (n: Names): string => `Primary ${primary(n)} was missing; rebuilt from the revision being promoted`,
  primaryNotRebuilt: (n: Names): string =>
    `Primary ${primary(n)} is missing and the template of the revision it should run is not kept; it is not rebuilt from the untested revision of ${target(n)}: revert ${target(n)} to that revision or re-create ${primary(n)}`,
  routesHeldForPrimary: (n: Names, why: string): string =>
    `Routes left as they are until ${primary(n)} is ready, the canary cannot take all traffic: ${why}`,
  canaryScaledToZero: (n: Names): string => `canary ${target(n)} is scaled to zero`,
  canaryUntested: (n: Names): string => `canary ${target(n)} runs a revision that was not analysed`,
  canaryPartlyAvailable: (n: Names, available: number, replicas: number): string =>
    `canary ${target(n)} has ${available} of ${replicas} replicas available`,
  analysisInterrupted: (n: Names): string => `Analysis of ${target(n)} interrupted; it restarts once ${primary(n)} is ready`,
  primaryReadyRestarting: (n: Names): string => `Primary ${primary(n)} is ready again, restarting analysis for ${target(n)}`,
  /** Fledge: a new revision waits for a ready primary before any traffic can return to it. */
  primaryNotReadyForRun: (n: Names, reason: string): string =>
    `Halt ${canary(n)} advancement, the new revision waits for a ready primary: ${reason}`,
  routesUnavailable: (reason: string): string => `Routes unavailable: ${reason}`,
  primaryDeadline: (n: Names, seconds: number, reason: string): string =>
    `${primary(n)} not ready ${seconds}s after promotion (progressDeadlineSeconds): ${reason}`,
  /** Fledge: a primary that made some progress, then none for the deadline (counted as Kubernetes does). */
  primaryStalled: (n: Names, seconds: number, stall: Stall, reason: string): string =>
    `${primary(n)} not ready ${seconds}s after promotion, ${stalled(stall)} (progressDeadlineSeconds): ${reason}`,
  canaryDeadline: (seconds: number, reason: string): string =>
    `${reason} (not ready for ${seconds}s, progressDeadlineSeconds)`,
  /** Fledge: a canary that made some progress, then none for the deadline. */
  canaryStalled: (seconds: number, stall: Stall, reason: string): string =>
    `${reason} (not ready for ${seconds}s, ${stalled(stall)}, progressDeadlineSeconds)`,
  targetMissing: (kind: string, n: Names): string => `${kind} ${target(n)} not found`,
  terminating: (n: Names): string => `Terminating canary ${canary(n)}`,
  terminated: (n: Names): string => `Terminated canary ${canary(n)}`,
  /** Fledge: on `revertOnDeletion` the primary keeps its traffic until the reverted target can serve it. */
  revertWaiting: (n: Names, reason: string): string =>
    `Waiting for ${target(n)} to be ready before traffic moves back to it: ${reason}`,
} as const;

/** Alert texts (`notify` effects). */
export const alerts = {
  initialized: (kind: string): string => `New ${kind} detected, initialization completed.`,
  newRevision: (): string => 'New revision detected, progressing canary analysis.',
  succeeded: (): string => 'Canary analysis completed successfully, promotion finished.',
  skipped: (): string => 'Canary analysis was skipped, promotion finished.',
  thresholdReached: (failedChecks: number): string => `Failed checks threshold reached ${failedChecks}`,
  manualRollback: (): string => 'Rolling back manual webhook invoked',
  deadline: (reason: string): string => `Progress deadline exceeded ${reason}`,
  /** Fledge: a Canary deleted without `revertOnDeletion` can no longer carry an event, so it is said as an alert. */
  deleted: (n: Names, phase: string, revived: readonly string[] = []): string =>
    (phase === 'Terminating'
      ? `Canary ${canary(n)} deleted before its revert completed (finalizer finalizer.flagger.app removed by someone else)`
      : `Canary ${canary(n)} deleted in phase ${phase}: not reverted (no revertOnDeletion finalizer on it)`) +
    `; its primary, Services and routes are left to the cluster's garbage collection` +
    (revived.length === 0 ? '' : `; ${revived.join(', ')}, scaled to zero by it, scaled back up`),
} as const;
