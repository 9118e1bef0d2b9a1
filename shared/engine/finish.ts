/**
 * Turns a finished tick into the step's result: phase bookkeeping (Flagger's `Promoted` condition, transition
 * times), numbered effects, and whether the canary needs further steps.
 */
import { ConditionStatuses, PROMOTED_CONDITION, Phases } from '../api/state.ts';
import type { CanaryState, ConditionStatus, Phase } from '../api/state.ts';
import type { CanaryCondition } from '../api/types.ts';
import { canonicalJson } from '../json.ts';
import type { Tick } from './tick.ts';
import type { Effect, StepDecided } from './types.ts';

/** The phases in which nothing is in flight (Terminating is: the revert of a deleted Canary). */
const IDLE: readonly Phase[] = [Phases.Initialized, Phases.Succeeded, Phases.Failed, Phases.Terminated];

/** The result of a tick that decided. */
export function finish(t: Tick): StepDecided {
  const next = t.next;
  const state = t.state;
  if (t.isNew || next.phase !== state.phase) {
    next.phaseEnteredAt = t.now;
    next.conditions = promotedConditions(t, next.phase);
  }
  if (t.isNew || changed(state, next)) next.lastTransitionTime = t.now;
  const prefix = `${t.names.namespace}/${t.names.name}/${t.current.spec.slice(0, 16) || '-'}/${state.version}`;
  const effects = t.effects.map((effect, index) => ({ id: `${prefix}/${index}`, ...effect }) as Effect);
  const active =
    next.phase !== Phases.Terminated &&
    (!IDLE.includes(next.phase) || next.promotionFailure?.mode === 'restore' || next.pendingRevision !== undefined || next.canaryScaleDownPending === true);
  return {
    kind: 'decided',
    next: dropUndefined(next),
    effects,
    events: [...t.events],
    decision: t.decision,
    message: t.message,
    metrics: [...t.metricRecords],
    webhooks: [...t.webhookRecords],
    active,
    phaseBefore: t.isNew ? undefined : state.phase,
  };
}

function changed(before: CanaryState, after: CanaryState): boolean {
  const strip = (s: CanaryState): unknown => ({ ...s, lastTransitionTime: undefined, version: undefined });
  return canonicalJson(strip(before)) !== canonicalJson(strip(after));
}

/** Removes keys whose value is `undefined`, so the state round-trips through JSON unchanged. */
function dropUndefined(state: CanaryState): CanaryState {
  return Object.fromEntries(Object.entries(state).filter(([, v]) => v !== undefined)) as unknown as CanaryState;
}

/**
 * Flagger's `Promoted` condition for `phase` (status, reason = phase, message); the transition time is kept
 * while the status does not change.
 */
function promotedConditions(t: Tick, phase: Phase): CanaryCondition[] {
  const kind = t.spec.targetRef.kind;
  const [status, message] = conditionOf(phase, kind, t.next.promotionFailure !== undefined);
  const previous = t.state.conditions.find((c) => c.type === PROMOTED_CONDITION);
  const condition: CanaryCondition = {
    type: PROMOTED_CONDITION,
    status,
    reason: phase,
    message,
    lastUpdateTime: t.now,
    lastTransitionTime: previous !== undefined && previous.status === status && previous.lastTransitionTime ? previous.lastTransitionTime : t.now,
  };
  return [...t.state.conditions.filter((c) => c.type !== PROMOTED_CONDITION), condition];
}

function conditionOf(phase: Phase, kind: string, promotionFailed: boolean): [ConditionStatus, string] {
  switch (phase) {
    case Phases.Initializing:
      return [ConditionStatuses.Unknown, `New ${kind} detected, starting initialization.`];
    case Phases.Initialized:
      return [ConditionStatuses.True, `${kind} initialization completed.`];
    case Phases.Waiting:
    case Phases.WaitingPromotion:
      return [ConditionStatuses.Unknown, 'Waiting for approval.'];
    case Phases.Progressing:
      return [ConditionStatuses.Unknown, 'New revision detected, progressing canary analysis.'];
    case Phases.Promoting:
      return [ConditionStatuses.Unknown, 'Canary analysis completed, starting primary rolling update.'];
    case Phases.Finalising:
      return [ConditionStatuses.Unknown, 'Canary analysis completed, routing all traffic to primary.'];
    case Phases.Succeeded:
      return [ConditionStatuses.True, 'Canary analysis completed successfully, promotion finished.'];
    case Phases.Failed:
      return promotionFailed
        ? [ConditionStatuses.False, 'Promotion failed, primary not ready: traffic routed to the canary.']
        : [ConditionStatuses.False, `Canary analysis failed, ${kind} scaled to zero.`];
    case Phases.Terminating:
      return [ConditionStatuses.Unknown, 'Canary is being deleted.'];
    case Phases.Terminated:
      return [ConditionStatuses.Unknown, 'Canary deleted.'];
    default: {
      const never: never = phase;
      throw new Error(`unknown phase ${String(never)}`);
    }
  }
}
