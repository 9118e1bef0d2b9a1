/**
 * After the analysis: the primary rolls out the promoted template while the canary keeps serving, traffic
 * returns to the primary (at once or by `stepWeightPromotion`), the canary is scaled down. And what Fledge
 * does when the primary does not make it (seeds 000 and 001): traffic to the canary, never scaling the canary
 * away, Failed, then the primary restored to the last promoted template unless the Canary holds.
 */
import { Phases } from '../api/state.ts';
import type { JsonObject } from '../api/state.ts';
import { alerts, events } from './messages.ts';
import { ALL_CANARY, ALL_PRIMARY, effectiveSplit, endRun, failPromotion, markPromoted, promote, restorePrimary, setRoutes, succeed } from './outcomes.ts';
import { progressDeadline } from './progress.ts';
import type { Tick } from './tick.ts';
import type { WorkloadFacts } from './types.ts';

/** Phase Promoting: once the primary is ready, shift traffic back to it; Finalising when it has all of it. */
export function promoting(t: Tick): void {
  const primary = t.facts.primary;
  if (primary.readiness.kind !== 'ready') return primaryNotReady(t, primary);
  const routes = t.facts.routes;
  if (!routes.ok) {
    t.warning(routes.reason);
    t.decide('wait', 'routes unavailable');
    return;
  }
  const split = effectiveSplit(routes);
  if (t.spec.provider === 'kubernetes') {
    // No weights to shift; only an apex Service moved to the canary (to protect traffic) is moved back.
    if (split.canary > 0) setRoutes(t, ALL_PRIMARY, { everyone: true });
    t.phase(Phases.Finalising);
    t.decide('finalise', 'kubernetes provider: nothing to shift');
    return;
  }
  const step = t.analysis.stepWeightPromotion ?? 0;
  if (step <= 0 || split.canary === 0) {
    t.normal(events.routingAllToPrimary());
    setRoutes(t, ALL_PRIMARY);
    t.phase(Phases.Finalising);
    t.decide('finalise', 'all traffic routed to the primary');
    return;
  }
  const next = { primary: Math.min(100, split.primary + step), canary: Math.max(0, split.canary - step), mirrored: false };
  setRoutes(t, next);
  t.normal(events.advancePrimaryWeight(t.names, next.primary));
  if (next.primary === 100) t.phase(Phases.Finalising);
  t.decide('advance', `primary weight ${next.primary}`);
}

/** Phase Finalising: the canary is scaled down only once the primary is ready and the route back to it applied. */
export function finalising(t: Tick): void {
  const primary = t.facts.primary;
  if (primary.readiness.kind !== 'ready') return primaryNotReady(t, primary);
  const routes = t.facts.routes;
  if (!routes.ok && routes.written !== undefined) {
    // The route back to the primary is written but its data plane has not taken it (a Gateway API parent has
    // not accepted it yet): the canary keeps its pods until no request can reach it.
    t.warning(routes.reason);
    t.decide('wait', 'routes not applied yet');
    return;
  }
  succeed(t);
}

/**
 * The primary is not ready during the promotion. With no replica available at all (a Recreate rollout) the
 * traffic it carries moves to the canary at once, so there is no outage while it comes up. The promotion
 * fails when the primary's own deadline is exceeded, or when it has not reached its expected state and made
 * no progress for `progressDeadlineSeconds` since the promotion started or since its last progress (see
 * `progress.ts`), whatever its conditions say.
 */
function primaryNotReady(t: Tick, primary: WorkloadFacts): void {
  const readiness = primary.readiness;
  const reason = readiness.kind === 'ready' ? '' : readiness.reason;
  if (readiness.kind === 'failed') return failPromotion(t, events.promotionFailed(reason), reason);
  const started = t.next.promotingSince ?? t.state.phaseEnteredAt ?? t.now;
  const deadline = progressDeadline(t, 'primary', started, primary);
  if (deadline.exceeded) {
    const detail = primary.expected?.kind === 'pending' ? primary.expected.reason : reason;
    const why = deadline.stall
      ? events.primaryStalled(t.names, deadline.elapsed, deadline.stall, detail)
      : events.primaryDeadline(t.names, deadline.elapsed, detail);
    return failPromotion(t, events.promotionFailed(why), why);
  }
  const routes = t.facts.routes;
  const primaryServes = !routes.ok || routes.primary > 0 || (routes.matched?.primary ?? 0) > 0;
  if (primary.availableReplicas === 0 && primaryServes) {
    t.warning(events.primaryNoReplica(t.names));
    setRoutes(t, ALL_CANARY, { everyone: true });
    // Finalising means "traffic is on the primary"; it no longer is, so the promotion goes back a step.
    t.phase(Phases.Promoting);
    t.decide('protect', 'primary has no ready replica: all traffic on the canary');
    return;
  }
  t.warning(reason);
  t.decide('wait', 'waiting for the primary rollout');
}

/**
 * Phase Failed after a failed promotion. Restoring: once the restored primary is ready, traffic returns to
 * it ("Primary restored to the last promoted revision") and a later step scales the canary down once the
 * routes read back all-primary and applied (see `scaleDownAfterRollback`); an error
 * alert if that takes longer than `progressDeadlineSeconds`. Holding: nothing moves, unless the annotation
 * was changed away from `hold`, which starts the restore. Returns true when the step is over.
 */
export function resolvePromotionFailure(t: Tick): boolean {
  const failure = t.next.promotionFailure;
  if (failure === undefined) return false;
  if (failure.mode === 'hold') {
    const template = t.next.lastPromotedTemplate;
    if (t.holdOnPromotionFailure || template === undefined) return false;
    restorePrimary(t, template);
    t.next.promotionFailure = { mode: 'restore', at: t.now, reason: failure.reason };
    t.decide('restore', 'restoring the primary after the hold was lifted');
    return true;
  }
  const primary = t.facts.primary;
  if (primary.readiness.kind === 'ready') {
    setRoutes(t, ALL_PRIMARY, { everyone: true });
    // The canary carried all the traffic until now: it is scaled down by a later step, once the routes read
    // back all-primary and applied, as after a rollback.
    t.next.canaryScaleDownPending = true;
    t.next.canaryWeight = 0;
    delete t.next.promotionFailure;
    t.normal(events.primaryRestored());
    t.alert('info', events.primaryRestored());
    t.decide('restored', events.primaryRestored());
    return true;
  }
  const reason = primary.readiness.reason;
  if (!failure.restoreOverdueAlerted && t.secondsSince(failure.at) >= t.spec.progressDeadlineSeconds) {
    const message = events.restoreOverdue(t.names, reason);
    t.warning(message);
    t.alert('error', message);
    t.next.promotionFailure = { ...failure, restoreOverdueAlerted: true };
  } else {
    t.warning(reason);
  }
  t.decide('wait', 'waiting for the restored primary');
  return true;
}

/**
 * `skipAnalysis`: Flagger promotes at once (all traffic to the primary, copy, canary to zero, Succeeded).
 * Fledge does so when the primary is ready and its update keeps pods available; with an unready primary (the
 * emergency case skipAnalysis is for) or one whose update leaves no pod available (Recreate), it promotes
 * through the Promoting phase, which waits for the primary, so traffic never lands on an unready primary and
 * the canary is not scaled away.
 */
export function skipAnalysis(t: Tick): void {
  if (t.facts.primary.readiness.kind !== 'ready') {
    promote(t);
    t.decide('promote', 'analysis skipped; the primary is not ready, promotion waits for it');
    return;
  }
  if (t.facts.primary.updateDisruptive === true) {
    promote(t);
    t.decide('promote', 'analysis skipped; the primary has no available replica while it is updated, promotion waits for it');
    return;
  }
  setRoutes(t, ALL_PRIMARY);
  t.normal(events.copying(t.names));
  const applied = t.applied ?? t.current;
  t.effect({ type: 'promote', spec: applied.spec, trackedConfigs: { ...applied.trackedConfigs } });
  t.effect({ type: 'scaleCanaryToZero' });
  t.phase(Phases.Succeeded);
  t.next.canaryWeight = 0;
  if (t.facts.target.template !== undefined) t.next.promotingTemplate = t.facts.target.template as JsonObject;
  markPromoted(t);
  endRun(t);
  t.normal(events.promotionSkipped(t.names));
  t.alert('info', alerts.skipped());
  t.decide('promote', 'analysis skipped');
}
