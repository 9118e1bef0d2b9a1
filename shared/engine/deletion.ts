/**
 * A Canary being deleted, or gone (Flagger's `finalize` and its `revertOnDeletion` finalizer).
 *
 * - With `spec.revertOnDeletion`, every step adds Flagger's finalizer `finalizer.flagger.app` while it is
 *   missing (the same name as Flagger's, so a Canary migrated from Flagger behaves the same). Once the Canary
 *   has a `deletionTimestamp`: phase Terminating ("Terminating canary …"), the target scaled back up, and only
 *   when the target can serve (Fledge: Flagger waits a bounded backoff and then moves traffic anyway) the apex
 *   Service and the router objects are pointed back at it, the finalizer removed, phase Terminated
 *   ("Terminated canary …"). Every write is idempotent and a failed one is retried on the next step. A target
 *   that is gone too has nothing to revert: the finalizer is removed at once.
 * - Without it (or with the finalizer already gone), a deleted Canary ends at once: phase Terminated, nothing
 *   reverted (Flagger leaves the objects to garbage collection), said as an alert since an event on an object
 *   that is gone is not shown anywhere. Fledge removes its finalizer if a Canary still carries it after
 *   `revertOnDeletion` was turned off, so the deletion is never blocked forever.
 * - A Canary that is simply not found any more (404) is {@link canaryDeleted}: the controller commits its
 *   Terminated state once.
 */
import { ConditionStatuses, PROMOTED_CONDITION, Phases } from '../api/state.ts';
import type { CanaryState } from '../api/state.ts';
import type { Canary } from '../api/types.ts';
import { alerts, events } from './messages.ts';
import type { Names } from './messages.ts';
import type { Draft, Tick } from './tick.ts';
import type { StepDecided } from './types.ts';

/** Flagger's finalizer, added with `revertOnDeletion`. */
export const FLAGGER_FINALIZER = 'finalizer.flagger.app';

/** True when the Canary carries Flagger's finalizer. */
export function hasFinalizer(canary: Canary): boolean {
  const finalizers = canary.metadata['finalizers'];
  return Array.isArray(finalizers) && finalizers.includes(FLAGGER_FINALIZER);
}

/** True when the Canary is marked for deletion (`metadata.deletionTimestamp`). */
export function isDeleting(canary: Canary): boolean {
  const at = canary.metadata['deletionTimestamp'];
  return typeof at === 'string' && at !== '';
}

/**
 * The deletion part of a step: true when the Canary is being deleted (the step is then decided here);
 * otherwise adds the finalizer when `revertOnDeletion` wants it and it is missing, and returns false.
 */
export function handleDeletion(t: Tick): boolean {
  const canary = t.input.canary;
  if (!isDeleting(canary)) {
    if (t.spec.revertOnDeletion && !hasFinalizer(canary)) t.effect({ type: 'addFinalizer' });
    return false;
  }
  if (t.input.state?.phase === Phases.Terminated) {
    t.decide('noop', 'phase Terminated');
    return true;
  }
  if (t.spec.revertOnDeletion && hasFinalizer(canary)) {
    revert(t);
    return true;
  }
  if (hasFinalizer(canary)) t.effect({ type: 'removeFinalizer' });
  // The primary goes with the Canary: a target Fledge left at zero comes back up (see canaryDeleted).
  t.effect({ type: 'reviveOrphanedTargets' });
  terminate(t);
  t.alert('warn', alerts.deleted(t.names, t.state.phase));
  t.decide('deleted', 'the Canary is being deleted and nothing is to be reverted');
  return true;
}

/** Terminating: the target back up, traffic back to it once it can serve, then the finalizer removed. */
function revert(t: Tick): void {
  if (t.state.phase !== Phases.Terminating) {
    t.phase(Phases.Terminating);
    t.normal(events.terminating(t.names));
  }
  if (!t.facts.target.exists) {
    // Deleted together with its target (`kubectl delete -f` of the whole app): nothing is left to revert, and
    // waiting for it would hold the Canary forever (Flagger's finalizer then fails on every sync).
    t.effect({ type: 'removeFinalizer' });
    terminate(t);
    t.warning(events.targetMissing(t.spec.targetRef.kind, t.names));
    t.normal(events.terminated(t.names));
    t.decide('terminated', 'target not found, nothing to revert; finalizer removed');
    return;
  }
  t.effect({ type: 'revertTarget' });
  const waiting = notServing(t);
  if (waiting !== undefined) {
    t.warning(events.revertWaiting(t.names, waiting));
    t.decide('wait', `reverting: ${waiting}`);
    return;
  }
  t.effect({ type: 'finalizeRouter' });
  t.effect({ type: 'removeFinalizer' });
  terminate(t);
  t.normal(events.terminated(t.names));
  t.decide('terminated', 'target reverted, router finalized, finalizer removed');
}

/**
 * Why the target cannot take the primary's traffic yet, or undefined when it can: it must be ready with at
 * least one available replica and at least the primary's replicas, unless its platform routes only to ready
 * copies of it. The facts were read before this step's `revertTarget`, so a target still at zero waits for the
 * next step.
 */
function notServing(t: Tick): string | undefined {
  const { target, primary } = t.facts;
  // A Knative Service keeps sending requests to its last ready Revision until a newer one is ready.
  if (target.routesOnlyWhenReady === true) return undefined;
  if (target.replicas === 0) return events.canaryScaledToZero(t.names);
  if (target.readiness.kind !== 'ready') return target.readiness.reason;
  if (target.availableReplicas === 0) return events.canaryPartlyAvailable(t.names, 0, target.replicas);
  if (primary.exists && target.replicas < primary.replicas) return `${t.names.target}.${t.names.namespace} has ${target.replicas} of the primary's ${primary.replicas} replicas`;
  return undefined;
}

/** Terminated: nothing in flight any more. */
function terminate(t: Tick): void {
  t.phase(Phases.Terminated);
  t.next.canaryWeight = 0;
  delete t.next.pendingRevision;
  delete t.next.promotionFailure;
}

/**
 * The step for a Canary that no longer exists (404) whose state is not Terminated yet: phase Terminated,
 * Flagger's "Terminated canary …" kept in history (no object is left to carry the event) and an alert, since
 * nothing was reverted; `revived` names the targets the controller's `reviveOrphanedTargets` effect scaled back
 * up (e.g. `Deployment/podinfo`), which the alert reports. Pure: the controller commits it once; the next steps
 * find the state Terminated.
 */
export function canaryDeleted(state: CanaryState, names: Pick<Names, 'name' | 'namespace'>, now: string, revived: readonly string[] = []): StepDecided {
  const full: Names = { ...names, target: '' };
  const conditions = [
    ...state.conditions.filter((c) => c.type !== PROMOTED_CONDITION),
    { type: PROMOTED_CONDITION, status: ConditionStatuses.Unknown, reason: Phases.Terminated, message: 'Canary deleted.', lastUpdateTime: now, lastTransitionTime: now },
  ];
  const next: Draft<CanaryState> = { ...state, phase: Phases.Terminated, canaryWeight: 0, conditions, phaseEnteredAt: now, lastTransitionTime: now };
  delete next.pendingRevision;
  delete next.promotionFailure;
  const event = { type: 'Normal', message: events.terminated(full) } as const;
  const prefix = `${names.namespace}/${names.name}/${(state.lastAppliedSpec ?? '').slice(0, 16) || '-'}/${state.version}`;
  return {
    kind: 'decided',
    next,
    effects: [
      { id: `${prefix}/0`, type: 'reviveOrphanedTargets' },
      { id: `${prefix}/1`, type: 'notify', severity: 'warn', message: alerts.deleted(full, state.phase, revived), fields: [] },
    ],
    events: [event],
    decision: 'deleted',
    message: `Canary ${names.name}.${names.namespace} not found: deleted without revertOnDeletion`,
    metrics: [],
    webhooks: [],
    active: false,
    phaseBefore: state.phase,
  };
}
