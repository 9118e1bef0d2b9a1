/**
 * The moves that change where a release stands: setting routes, rolling back, promoting, finishing a
 * promotion, and failing one. Each writes its effects in Flagger's order and the matching state.
 */
import type { RouteReading, RouteSpec } from '../api/routes.ts';
import { Phases } from '../api/state.ts';
import type { JsonObject, Phase } from '../api/state.ts';
import type { AlertField } from '../notify/types.ts';
import { sessionCookie } from '../hash.ts';
import { alerts, events } from './messages.ts';
import type { Draft, Revision, Tick } from './tick.ts';

/** A traffic split. */
export interface Split {
  readonly primary: number;
  readonly canary: number;
  readonly mirrored: boolean;
}

/** All traffic on the primary. */
export const ALL_PRIMARY: Split = { primary: 100, canary: 0, mirrored: false };
/** All traffic on the canary. */
export const ALL_CANARY: Split = { primary: 0, canary: 100, mirrored: false };

/**
 * The split that decides the next move: the A/B match route's weights when one exists (Flagger reads the route
 * that carries the canary), else the default route's.
 */
export function effectiveSplit(routes: Extract<RouteReading, { ok: true }>): Split {
  const weights = routes.matched ?? routes;
  return { primary: weights.primary, canary: weights.canary, mirrored: routes.mirrored };
}

/** Options of {@link setRoutes}. */
export interface RouteOptions {
  /**
   * The split applies to every request: no A/B match route and no sticky canary session (used to move all
   * traffic away from an unready primary, and back). A cookie of the run is still expired on the way back.
   */
  readonly everyone?: boolean;
}

/**
 * Routes traffic as `split` says, adding what the analysis asks the router for (A/B match conditions, mirror
 * percentage, session-affinity cookies), and records the canary weight Flagger would report.
 */
export function setRoutes(t: Tick, split: Split, options: RouteOptions = {}): void {
  const analysis = t.analysis;
  const routes: Draft<RouteSpec> = { primary: split.primary, canary: split.canary, mirrored: split.mirrored };
  if (split.mirrored) routes.mirrorWeight = analysis.mirrorWeight ?? 100;
  const matched = !options.everyone && analysis.match.length > 0;
  if (matched) routes.match = analysis.match;
  const session = t.spec.strategy === 'canary-with-session-affinity' ? analysis.sessionAffinity : undefined;
  if (session && split.canary > 0 && !options.everyone) {
    const seed = `${t.names.namespace}/${t.names.name}/${t.next.lastAppliedSpec ?? ''}/${t.next.progressingSince ?? ''}`;
    t.next.sessionAffinityCookie ??= sessionCookie(session.cookieName, seed, 'canary');
    routes.session = { canary: t.next.sessionAffinityCookie };
    if (session.primaryCookieName) {
      t.next.primarySessionAffinityCookie ??= sessionCookie(session.primaryCookieName, seed, 'primary');
      routes.session = { ...routes.session, primary: t.next.primarySessionAffinityCookie };
    }
  } else if (session && split.canary === 0) {
    // The run's cookie becomes the previous one, which the router expires on the way back to the primary.
    if (t.next.sessionAffinityCookie !== undefined) t.next.previousSessionAffinityCookie = t.next.sessionAffinityCookie;
    delete t.next.sessionAffinityCookie;
    delete t.next.primarySessionAffinityCookie;
    if (t.next.previousSessionAffinityCookie !== undefined) routes.session = { previous: t.next.previousSessionAffinityCookie };
  }
  t.effect({ type: 'setRoutes', routes });
  // Flagger reports no weight while A/B testing: only matching requests reach the canary.
  t.next.canaryWeight = matched && t.spec.strategy === 'ab-testing' ? 0 : split.canary;
}

/** The alert fields Flagger attaches to initialization and new-revision alerts. */
export function alertFields(t: Tick): AlertField[] {
  const { spec, names } = t;
  const analysis = t.analysis;
  const fields: AlertField[] = [
    { name: 'Target', value: `${spec.targetRef.kind}/${names.target}.${names.namespace}` },
    { name: 'Failed checks threshold', value: String(analysis.threshold) },
    { name: 'Progress deadline', value: `${spec.progressDeadlineSeconds}s` },
  ];
  if ((analysis.stepWeight ?? 0) > 0) {
    fields.push({ name: 'Traffic routing', value: `Weight step: ${analysis.stepWeight} max: ${analysis.maxWeight}` });
  } else if ((analysis.stepWeights ?? []).length > 0) {
    fields.push({ name: 'Traffic routing', value: `Weight steps: ${(analysis.stepWeights ?? []).join(',')} max: ${analysis.maxWeight}` });
  } else if (t.spec.strategy === 'ab-testing') {
    fields.push({ name: 'Traffic routing', value: 'A/B Testing' });
  } else if ((analysis.iterations ?? 0) > 0) {
    fields.push({ name: 'Traffic routing', value: 'Blue/Green' });
  }
  return fields;
}

/** Fires the post-rollout webhooks (their results change nothing; the controller records them). */
export function postRollout(t: Tick, phase: Phase): void {
  const calls = t.hooksOf('post-rollout').map((webhook) => t.call(webhook, phase));
  if (calls.length > 0) t.effect({ type: 'runHooks', calls });
}

/** `revision` becomes the last applied one (Flagger's `lastAppliedSpec` and `trackedConfigs`). */
export function markApplied(t: Tick, revision: Revision): void {
  t.next.lastAppliedSpec = revision.spec;
  t.next.trackedConfigs = { ...revision.trackedConfigs };
}

/**
 * A run of `revision` starts (or restarts) its analysis: phase Progressing, counters zeroed, the revision
 * marked applied, the deadlines counted from now.
 */
export function beginRun(t: Tick, revision: Revision): void {
  t.phase(Phases.Progressing);
  t.next.canaryWeight = 0;
  t.next.failedChecks = 0;
  t.next.iterations = 0;
  markApplied(t, revision);
  // The run scales the canary up again: a scale-down a rollback left pending is void.
  delete t.next.canaryScaleDownPending;
  t.next.progressingSince = t.now;
  t.next.canaryNotReadySince = t.now;
  forgetCanaryProgress(t);
}

/** The canary's progress mark goes with `canaryNotReadySince`: a new wait counts progress from none. */
export function forgetCanaryProgress(t: Tick): void {
  delete t.next.canaryProgressCount;
  delete t.next.canaryProgressAt;
}

/** The primary's progress mark goes with `promotingSince`: a new promotion (or a rebuilt primary) starts from none. */
export function forgetPrimaryProgress(t: Tick): void {
  delete t.next.primaryProgressCount;
  delete t.next.primaryProgressAt;
}

/** Forgets the timers of a run that ended (iterations read 0 outside the analysis, as Flagger reports them). */
export function endRun(t: Tick): void {
  t.next.iterations = 0;
  delete t.next.progressingSince;
  delete t.next.canaryNotReadySince;
  forgetCanaryProgress(t);
  delete t.next.pendingRevision;
}

/** Why a run is rolled back. */
export type RollbackCause =
  | { readonly kind: 'threshold' }
  | { readonly kind: 'manual' }
  | { readonly kind: 'deadline'; readonly reason: string }
  | { readonly kind: 'aborted'; readonly by: string };

/**
 * Flagger's rollback: all traffic back to the primary (never reached with an unready primary: every caller
 * checked it first), "Canary failed! Scaling down …", phase Failed, post-rollout hooks. Unlike Flagger, the
 * canary is not scaled to zero in the same step: a data plane that has not taken the new routes yet (Istio's
 * push delay, a Gateway API controller that has not accepted the route) may still send it requests. A later
 * step scales it down once the routes read back all-primary and applied ({@link scaleDownAfterRollback}), as
 * Finalising does after a promotion.
 */
export function rollback(t: Tick, cause: RollbackCause): void {
  const n = t.names;
  switch (cause.kind) {
    case 'threshold':
      t.warning(events.rollingBackThreshold(n, t.next.failedChecks));
      t.alert('error', alerts.thresholdReached(t.next.failedChecks));
      break;
    case 'manual':
      t.warning(events.rollingBackManual(n));
      t.alert('warn', alerts.manualRollback());
      break;
    case 'deadline':
      t.warning(events.rollingBackDeadline(n, cause.reason));
      t.alert('error', alerts.deadline(cause.reason));
      break;
    case 'aborted':
      t.warning(events.rollingBackAborted(n, cause.by));
      t.alert('error', events.rollingBackAborted(n, cause.by));
      break;
    default: {
      const never: never = cause;
      throw new Error(`unknown rollback cause ${JSON.stringify(never)}`);
    }
  }
  setRoutes(t, ALL_PRIMARY);
  t.warning(events.canaryFailed(n));
  t.next.canaryScaleDownPending = true;
  t.phase(Phases.Failed);
  t.next.canaryWeight = 0;
  endRun(t);
  postRollout(t, Phases.Failed);
  t.decide('rollback', `rolled back: ${cause.kind}`);
}

/**
 * The step after a rollback (phase Failed, canary scale-down pending): the canary is scaled to zero once the
 * routes read back with no traffic (weighted, matched or mirrored) on it and applied. Routes written but not
 * applied yet wait; routes that carry canary traffic again are written back to all-primary, and the scale-down
 * waits for them. Routes that cannot be read at all do not hold it (as Finalising).
 */
export function scaleDownAfterRollback(t: Tick): void {
  const routes = t.facts.routes;
  if (!routes.ok && routes.written !== undefined) {
    t.warning(routes.reason);
    t.decide('wait', 'the canary is scaled down once the routes back to the primary are applied');
    return;
  }
  if (routes.ok) {
    const split = effectiveSplit(routes);
    if (split.canary > 0 || split.mirrored || routes.canary > 0) {
      setRoutes(t, ALL_PRIMARY);
      t.decide('wait', 'routes carry canary traffic again: all of it back to the primary before the scale-down');
      return;
    }
  }
  t.effect({ type: 'scaleCanaryToZero' });
  delete t.next.canaryScaleDownPending;
  t.decide('scaleDown', 'the canary is scaled to zero: the routes carry all traffic to the primary');
}

/**
 * Promotion starts: "Copying … template spec to …-primary", the primary gets the target's template and
 * configs, phase Promoting. The canary keeps its traffic until the primary is ready; when the primary's update
 * leaves it without any available pod, the canary first takes all of it (see {@link protectUpdatingPrimary}).
 */
export function promote(t: Tick): void {
  t.normal(events.copying(t.names));
  protectUpdatingPrimary(t);
  const applied = t.applied ?? t.current;
  t.effect({ type: 'promote', spec: applied.spec, trackedConfigs: { ...applied.trackedConfigs } });
  t.phase(Phases.Promoting);
  t.next.iterations = 0;
  t.next.promotingSince = t.now;
  forgetPrimaryProgress(t);
  // The template is JSON read from the cluster; it is kept so a failed promotion can be undone later.
  if (t.facts.target.template !== undefined) t.next.promotingTemplate = t.facts.target.template as JsonObject;
  else delete t.next.promotingTemplate;
  t.decide('promote', `promoting ${t.names.target}-primary`);
}

/**
 * Fledge (seed 000): a primary whose update leaves no pod available (Recreate, or a `maxUnavailable` covering
 * every replica) cannot serve what it carries until its new pods are ready, so all traffic moves to the canary
 * in the same step, before the template is copied — when the canary is ready at full scale to carry it.
 * Promoting brings it back once the primary is ready (at once, or by `stepWeightPromotion`).
 */
function protectUpdatingPrimary(t: Tick): void {
  const { primary, target, routes } = t.facts;
  if (primary.updateDisruptive !== true) return;
  if (target.readiness.kind !== 'ready' || target.replicas <= 0 || target.availableReplicas < target.replicas) return;
  if (routes.ok && routes.primary === 0 && (routes.matched?.primary ?? 0) === 0) return;
  t.normal(events.primaryUpdateDisruptive(t.names));
  setRoutes(t, ALL_CANARY, { everyone: true });
}

/** The promoted revision becomes the one to come back to. */
export function markPromoted(t: Tick): void {
  if (t.next.lastAppliedSpec !== undefined) t.next.lastPromotedSpec = t.next.lastAppliedSpec;
  t.next.lastPromotedConfigs = { ...t.next.trackedConfigs };
  if (t.next.promotingTemplate !== undefined) t.next.lastPromotedTemplate = t.next.promotingTemplate;
  delete t.next.promotingTemplate;
  delete t.next.promotingSince;
  forgetPrimaryProgress(t);
}

/** Flagger's Finalising step: canary to zero, Succeeded, post-rollout hooks, "Promotion completed!". */
export function succeed(t: Tick): void {
  t.effect({ type: 'scaleCanaryToZero' });
  t.phase(Phases.Succeeded);
  t.next.canaryWeight = 0;
  markPromoted(t);
  endRun(t);
  postRollout(t, Phases.Succeeded);
  t.normal(events.promotionCompleted(t.names));
  t.alert('info', alerts.succeeded());
  t.decide('succeed', 'promotion finished');
}

/** "Restoring …": the primary goes back to `template`, the last promoted one, built with that promotion's configs. */
export function restorePrimary(t: Tick, template: JsonObject): void {
  t.normal(events.restoringPrimary(t.names));
  const configs = t.next.lastPromotedConfigs;
  t.effect({ type: 'restorePrimary', template, ...(configs === undefined ? {} : { trackedConfigs: { ...configs } }) });
}

/**
 * A promotion that cannot complete (Fledge's fix for seeds 000 and 001): all traffic to the canary, which is
 * the only healthy copy and is never scaled down here; phase Failed with canaryWeight 100; then, unless the
 * Canary holds (`fledge.dev/promotion-failure: hold`), the primary is restored to the last promoted template.
 */
export function failPromotion(t: Tick, headline: string, reason: string): void {
  setRoutes(t, ALL_CANARY, { everyone: true });
  t.warning(headline);
  t.alert('error', headline);
  t.phase(Phases.Failed);
  t.next.canaryWeight = 100;
  let mode: 'restore' | 'hold' = t.holdOnPromotionFailure ? 'hold' : 'restore';
  const template = t.next.lastPromotedTemplate;
  if (mode === 'restore' && template === undefined) {
    t.warning(events.nothingToRestore(t.names));
    mode = 'hold';
  }
  if (mode === 'restore' && template !== undefined) restorePrimary(t, template);
  t.next.promotionFailure = { mode, at: t.now, reason };
  delete t.next.promotingTemplate;
  delete t.next.promotingSince;
  forgetPrimaryProgress(t);
  endRun(t);
  postRollout(t, Phases.Failed);
  t.decide('promotionFailed', `${headline} (${mode})`);
}
