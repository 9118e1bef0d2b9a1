/**
 * One analysis step of one canary: Flagger's `advanceCanary`, as a pure function. The order of checks is
 * this file, top to bottom; each phase has its own function.
 */
import type { DefaultedMetric } from '../api/defaults.ts';
import { Phases } from '../api/state.ts';
import type { JsonObject } from '../api/state.ts';
import { alerts, events } from './messages.ts';
import { analysing } from './analysing.ts';
import { confirmRollout, rollbackRequested } from './checks.ts';
import { dropInapplicable, peekControl, takeControl, applyPauseResume } from './controls.ts';
import { handleDeletion } from './deletion.ts';
import { finish } from './finish.ts';
import { ALL_PRIMARY, alertFields, beginRun, effectiveSplit, failPromotion, markApplied, rollback, scaleDownAfterRollback, setRoutes } from './outcomes.ts';
import { finalising, promoting, resolvePromotionFailure } from './promotion.ts';
import { rebuildPrimary } from './rebuild.ts';
import { isNewRevision, sameRevision } from './revision.ts';
import { NeedSignal, Tick } from './tick.ts';
import type { StepInput, StepResult } from './types.ts';

/**
 * Decides one step: the next state, the effects to execute in order and the events, or the expensive facts
 * (webhook results, metric values) the step reached and does not have yet. Pure and deterministic: no I/O,
 * no clock, no randomness; the same input gives a deep-equal, JSON-serializable result.
 * @example
 * let result = step({ canary, state, facts, now });
 * while (result.kind === 'needs') result = step({ canary, state, facts: await obtain(facts, result.needs), now });
 */
export function step(input: StepInput): StepResult {
  const tick = new Tick(input);
  try {
    run(tick);
  } catch (signal) {
    if (signal instanceof NeedSignal) return { kind: 'needs', needs: signal.needs };
    throw signal;
  }
  return finish(tick);
}

function run(t: Tick): void {
  // Flagger handles a deletion before anything else, suspended or not.
  if (handleDeletion(t)) return;
  applyPauseResume(t);
  if (t.spec.suspend) {
    t.normal(events.suspended());
    t.decide('suspended', 'spec.suspend is true');
    return;
  }
  if (t.next.paused) {
    t.normal(events.paused());
    t.decide('paused', 'paused by a runtime control');
    return;
  }
  // The primary is back: a later disappearance with nothing to rebuild it from is alerted again.
  if (t.facts.primary.exists) delete t.next.primaryNotRebuiltAlerted;
  if (t.isNew || t.state.phase === Phases.Initializing) return initialize(t);
  const phase = t.state.phase;
  if (phase === Phases.Terminating || phase === Phases.Terminated) {
    // Unreachable: a Canary not being deleted with such a state is a new one (see Tick).
    t.decide('noop', `phase ${phase}`);
    return;
  }
  t.effect({ type: 'reconcileRouter' });
  if (!t.facts.primary.exists && rebuildPrimary(t)) return;
  switch (phase) {
    case Phases.Initialized:
    case Phases.Succeeded:
    case Phases.Failed:
      return idle(t);
    case Phases.Waiting:
      return waiting(t);
    case Phases.Progressing:
    case Phases.WaitingPromotion:
      dropInapplicable(t, ['abort', 'promote']);
      return analysing(t);
    case Phases.Promoting:
      dropInapplicable(t, ['abort']);
      if (abortPromotion(t)) return;
      return promoting(t);
    case Phases.Finalising:
      dropInapplicable(t, ['abort']);
      if (abortPromotion(t)) return;
      return finalising(t);
    default: {
      const never: never = phase;
      throw new Error(`unknown phase ${String(never)}`);
    }
  }
}

/**
 * Initialization: create the primary, wait until it is ready, point the apex Service and the router at it,
 * scale the target to zero; then "Initialization done!" and phase Initialized.
 *
 * The primary is built from the target as the step that creates it sees it, and that revision is what becomes
 * promoted and applied when initialization is done: a target changed while the primary was coming up is then
 * a new revision, pending (the canary stays active) and run on the next step. Flagger records whatever the
 * target runs when initialization completes, so such a release was adopted without a run. A `-primary` that
 * already existed, not built by Fledge, is adopted with the target's revision at completion, as in Flagger.
 * A primary Fledge built that disappears before initialization is done is rebuilt from the revision recorded
 * when it was first built (see `rebuild.ts`), never from a target changed since.
 */
function initialize(t: Tick): void {
  dropInapplicable(t, []);
  const target = t.facts.target;
  if (!target.exists) {
    t.warning(events.targetMissing(t.spec.targetRef.kind, t.names));
    t.decide('wait', 'target not found');
    return;
  }
  t.phase(Phases.Initializing);
  checkMetricProviders(t);
  const primary = t.facts.primary;
  if (!primary.exists) {
    // The primary Fledge built in an earlier step is gone: it comes back as it was built.
    if (t.promoted !== undefined) {
      rebuildPrimary(t);
      return;
    }
    // The initialize effect builds the primary from this revision: from now on it is what the primary runs.
    t.effect({ type: 'initialize' });
    recordPrimaryRevision(t);
    t.decide('initialize', `creating ${t.names.target}-primary`);
    return;
  }
  t.effect({ type: 'initialize' });
  if (primary.readiness.kind !== 'ready') {
    t.warning(primary.readiness.reason);
    t.decide('wait', 'waiting for the primary');
    return;
  }
  t.effect({ type: 'reconcileRouter' });
  t.effect({ type: 'scaleCanaryToZero' });
  t.phase(Phases.Initialized);
  // A primary that existed before the canary was first seen is adopted with the target's revision (Flagger).
  if (t.promoted === undefined) recordPrimaryRevision(t);
  const built = t.promoted ?? t.current;
  markApplied(t, built);
  const current = t.current;
  if (!sameRevision(current, built)) {
    // The target changed while the primary came up: a new revision, whose run the next step starts.
    t.next.pendingRevision = { spec: current.spec, trackedConfigs: { ...current.trackedConfigs }, detectedAt: t.now };
  }
  t.next.canaryWeight = 0;
  t.normal(events.initializationDone(t.names));
  t.alert('info', alerts.initialized(t.spec.targetRef.kind), alertFields(t));
  t.decide('initialized', 'initialization done');
}

/**
 * Flagger's availability probe of every metric's provider while a canary initializes: an unreachable provider
 * (or a missing MetricTemplate) is reported as "Error checking metric providers: …" and does not stop the
 * initialization. Fledge stays silent when all answer (Flagger says "all the metrics providers are available!").
 */
function checkMetricProviders(t: Tick): void {
  if (t.spec.skipAnalysis) return;
  const metrics = t.analysis.metrics;
  if (metrics.length === 0) return;
  const failures = t.metrics(metrics, true).flatMap((observation, i) => {
    const result = observation.result;
    if (result.kind === 'value') return [];
    const reason = result.kind === 'error' ? result.error : result.kind === 'noData' ? result.reason : 'unexpected answer';
    return [`${(metrics[i] as DefaultedMetric).name}: ${reason}`];
  });
  if (failures.length > 0) t.warning(events.metricProvidersUnavailable(failures.join('; ')));
}

/** The target's revision as this step sees it becomes the one the primary runs (lastPromoted*). */
function recordPrimaryRevision(t: Tick): void {
  const { spec, trackedConfigs } = t.current;
  t.next.lastPromotedSpec = spec;
  t.next.lastPromotedConfigs = { ...trackedConfigs };
  const template = t.facts.target.template;
  if (template !== undefined) t.next.lastPromotedTemplate = template as JsonObject;
  else delete t.next.lastPromotedTemplate;
}

/** Initialized, Succeeded, Failed: resolve a failed promotion, else start a run for a new revision (or a retry). */
function idle(t: Tick): void {
  const failed = t.state.phase === Phases.Failed;
  dropInapplicable(t, failed ? ['retry'] : []);
  if (failed && resolvePromotionFailure(t)) return;
  const retry = failed ? peekControl(t, 'retry') : undefined;
  if (!isNewRevision(t) && retry === undefined) {
    delete t.next.pendingRevision;
    if (failed && t.next.canaryScaleDownPending === true) return scaleDownAfterRollback(t);
    t.decide('idle', 'no new revision');
    return;
  }
  startRun(t, false);
}

/**
 * Waiting (a confirm-rollout gate was closed): the primary must be ready, rollback hooks and an abort can end
 * the pending revision (Fledge runs them in Waiting too), a revision that is no longer new cancels the wait,
 * and the gates are asked again. A `promote` request approves the rollout and stays pending for the run.
 */
function waiting(t: Tick): void {
  dropInapplicable(t, ['abort', 'promote']);
  const primary = t.facts.primary;
  if (!t.spec.skipAnalysis && primary.readiness.kind !== 'ready') {
    t.warning(primary.readiness.reason);
    t.decide('wait', 'waiting for the primary');
    return;
  }
  const pending = t.next.pendingRevision ?? { ...t.current, detectedAt: t.now };
  const abort = takeControl(t, 'abort');
  const manual = abort === undefined && rollbackRequested(t, Phases.Waiting);
  if (abort !== undefined || manual) {
    // The revision failed before its run started: mark it applied so it is not detected again.
    markApplied(t, pending);
    rollback(t, abort !== undefined ? { kind: 'aborted', by: abort.requestedBy } : { kind: 'manual' });
    return;
  }
  if (!isNewRevision(t)) {
    t.phase(t.next.idlePhase ?? Phases.Initialized);
    delete t.next.pendingRevision;
    t.normal(events.pendingRevisionGone(t.names));
    t.decide('cancel', 'the pending revision is gone');
    return;
  }
  startRun(t, peekControl(t, 'promote') !== undefined);
}

/**
 * Starts the run of the target's current revision (Flagger's checkCanaryStatus): the primary must be ready,
 * the confirm-rollout gates must be open, then "New revision detected! Scaling up …", the canary scaled up
 * from zero, phase Progressing. Only now is the revision marked applied.
 */
function startRun(t: Tick, approved: boolean): void {
  const current = t.current;
  const primary = t.facts.primary;
  const pending = t.next.pendingRevision;
  t.next.pendingRevision = {
    spec: current.spec,
    trackedConfigs: { ...current.trackedConfigs },
    detectedAt: pending !== undefined && sameRevision(pending, current) ? pending.detectedAt : t.now,
  };
  if (!t.spec.skipAnalysis && primary.readiness.kind !== 'ready') {
    t.warning(events.primaryNotReadyForRun(t.names, primary.readiness.reason));
    t.decide('wait', 'the new revision waits for a ready primary');
    return;
  }
  if (!approved && !confirmRollout(t, current)) return;
  const routes = t.facts.routes;
  // Traffic left on the canary (a held promotion failure) returns to the ready primary before the run starts.
  if (routes.ok && primary.readiness.kind === 'ready') {
    const split = effectiveSplit(routes);
    if (split.canary > 0 || split.mirrored || routes.canary > 0) setRoutes(t, ALL_PRIMARY, { everyone: true });
  }
  const retry = takeControl(t, 'retry');
  if (retry !== undefined) t.normal(events.retrying(t.names, retry.requestedBy));
  t.normal(events.newRevisionScalingUp(t.names));
  t.alert('info', alerts.newRevision(), alertFields(t));
  t.effect({ type: 'scaleCanary', replicas: canaryReplicas(t) });
  if (t.state.phase !== Phases.Waiting) t.next.idlePhase = t.state.phase;
  beginRun(t, current);
  delete t.next.pendingRevision;
  delete t.next.promotionFailure;
  t.decide('start', `new revision ${current.spec}`);
}

/** Replicas for the canary: the target's, else the primary's, else the autoscaler's minimum, else 1. */
function canaryReplicas(t: Tick): number {
  const { target, primary, autoscalerMinReplicas } = t.facts;
  if (target.replicas > 0) return target.replicas;
  if (primary.replicas > 0) return primary.replicas;
  if (autoscalerMinReplicas !== undefined && autoscalerMinReplicas > 0) return autoscalerMinReplicas;
  return 1;
}

/**
 * An `abort` during Promoting or Finalising: the primary already has the new template, so it is handled as a
 * failed promotion (traffic to the canary, primary restored unless the Canary holds).
 */
function abortPromotion(t: Tick): boolean {
  const abort = takeControl(t, 'abort');
  if (abort === undefined) return false;
  const message = events.rollingBackAborted(t.names, abort.requestedBy);
  failPromotion(t, message, message);
  return true;
}
