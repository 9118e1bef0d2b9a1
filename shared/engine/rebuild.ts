/**
 * A `<target>-primary` that disappeared after Fledge built it: deleted by a person, pruned by a GitOps tool,
 * lost with a re-created namespace. Flagger re-creates it from the target's current pod template, which in the
 * middle of a release is the canary's revision: that revision would go to all of production unanalysed. Fledge
 * rebuilds it from a revision that was tested, and keeps traffic off it until it is ready.
 *
 * What the primary is rebuilt from:
 * - Promoting and Finalising: the revision being promoted (`promotingTemplate`, with the run's tracked configs).
 *   It passed the analysis and its promotion gates, and the primary was already rolling it out; the promotion
 *   goes on, its `progressDeadlineSeconds` counted from the rebuild, since the primary starts again from no pod.
 * - Every other phase: the last promoted revision (`lastPromotedTemplate` with `lastPromotedConfigs`), built
 *   exactly as its promotion built it, so the rebuilt template is byte-identical to the one promoted then.
 * - When that template is not kept (a Service target has none; a state stored before Fledge kept templates), the
 *   target is used only if it still runs that very revision; otherwise the primary is not rebuilt at all and an
 *   error alert says what to do, since a primary built from the untested revision is the one thing to avoid.
 * - Only a canary whose primary Fledge never built (no last promoted revision) keeps Flagger's behaviour.
 *
 * Traffic: the primary has no pod until it is rebuilt and ready, so the traffic it carries moves to the canary at
 * once (every request, no A/B match or session route) when the canary is ready at full scale; otherwise the
 * routes are left as they are and an event says why (in the idle phases the canary is scaled to zero, so
 * nothing can take the traffic: it returns when the primary is ready).
 *
 * A run under analysis (Progressing, WaitingPromotion) is interrupted and RESTARTS from its first step once the
 * rebuilt primary is ready; it is never continued. While the primary was gone its share of the traffic failed or
 * moved to the canary, so the checks made so far were made under a split that no longer holds, the run's position
 * (its weight, which is read back from the routes) was replaced by the protection, and failed checks may come from
 * the incident rather than from the canary. A restart costs only time; continuing could promote on an analysis cut
 * in two by an outage. Until the primary is ready the interrupted run waits (also with `skipAnalysis`, whose
 * promotion must not route to an unready primary); then routes go back to the primary, counters and deadlines
 * start again, and the pre-rollout hooks run again on the next step, as after a revision change mid-analysis. An
 * interrupted run is Progressing without `progressingSince`: the run has no start until it restarts.
 */
import { Phases } from '../api/state.ts';
import type { JsonObject, Phase } from '../api/state.ts';
import { events } from './messages.ts';
import { ALL_CANARY, forgetCanaryProgress, forgetPrimaryProgress, setRoutes } from './outcomes.ts';
import { sameRevision } from './revision.ts';
import type { Revision, Tick } from './tick.ts';

/** The phases in which the target runs a revision under analysis or being promoted. */
const RUN_PHASES: readonly Phase[] = [Phases.Progressing, Phases.WaitingPromotion, Phases.Promoting, Phases.Finalising];

/** What a missing primary is rebuilt from. */
type Source =
  /** A target pod template kept in the state, with its revision's tracked config hashes. */
  | { readonly kind: 'template'; readonly template: JsonObject; readonly trackedConfigs: Readonly<Record<string, string>> }
  /** The target as it is, which runs the wanted revision. */
  | { readonly kind: 'target' }
  /** Nothing tested to rebuild it from. */
  | { readonly kind: 'none' };

/**
 * Handles a `<target>-primary` that does not exist (see the module's summary). Returns true when the step is
 * over; false only for a canary whose primary Fledge never built, after the plain `initialize` of Flagger, so
 * that the phase goes on as in Flagger.
 */
export function rebuildPrimary(t: Tick): boolean {
  const promoted = t.promoted;
  if (promoted === undefined) {
    t.effect({ type: 'initialize' });
    return false;
  }
  const phase = t.state.phase;
  const promoting = phase === Phases.Promoting || phase === Phases.Finalising;
  const source = promoting ? sourceOf(t, t.next.promotingTemplate, t.applied ?? promoted) : sourceOf(t, t.next.lastPromotedTemplate, promoted);
  const routed = phase !== Phases.Initializing;
  if (source.kind === 'none') {
    const message = events.primaryNotRebuilt(t.names);
    t.warning(message);
    // The event is recorded every tick (Kubernetes counts repeats); the alert once per disappearance.
    if (t.next.primaryNotRebuiltAlerted !== true) {
      t.alert('error', message);
      t.next.primaryNotRebuiltAlerted = true;
    }
    if (routed) keepTrafficOffPrimary(t, true);
    t.decide('wait', 'primary missing, with no tested revision to rebuild it from');
    return true;
  }
  const message = promoting ? events.primaryRebuiltPromoting(t.names) : events.primaryRebuilt(t.names);
  t.warning(message);
  // Traffic moves first: should the rebuild fail, the step ends with the routes already safe.
  if (routed) keepTrafficOffPrimary(t, true);
  t.effect(source.kind === 'template' ? { type: 'initialize', template: source.template, trackedConfigs: { ...source.trackedConfigs } } : { type: 'initialize' });
  t.alert('error', message);
  switch (phase) {
    case Phases.Progressing:
    case Phases.WaitingPromotion:
      interruptRun(t);
      break;
    case Phases.Promoting:
    case Phases.Finalising:
      // The rebuilt primary rolls the promoted template out from no pod: its deadline starts now.
      t.next.promotingSince = t.now;
      forgetPrimaryProgress(t);
      t.phase(Phases.Promoting);
      break;
    case Phases.Initializing:
    case Phases.Initialized:
    case Phases.Waiting:
    case Phases.Succeeded:
    case Phases.Failed:
    case Phases.Terminating:
    case Phases.Terminated:
      break;
    default: {
      const never: never = phase;
      throw new Error(`unknown phase ${String(never)}`);
    }
  }
  t.decide('rebuild', message);
  return true;
}

/** `template` when kept; else the target, if it runs `revision`; else nothing. */
function sourceOf(t: Tick, template: JsonObject | undefined, revision: Revision): Source {
  if (template !== undefined) return { kind: 'template', template, trackedConfigs: revision.trackedConfigs };
  return sameRevision(t.current, revision) ? { kind: 'target' } : { kind: 'none' };
}

/** The run stops where it is and restarts once the primary is ready (see the module's summary). */
function interruptRun(t: Tick): void {
  t.phase(Phases.Progressing);
  t.next.failedChecks = 0;
  t.next.iterations = 0;
  delete t.next.progressingSince;
  delete t.next.canaryNotReadySince;
  forgetCanaryProgress(t);
  t.normal(events.analysisInterrupted(t.names));
}

/** True for a run interrupted by a rebuilt primary and not restarted yet. */
export function runInterrupted(t: Tick): boolean {
  const phase = t.state.phase;
  return (phase === Phases.Progressing || phase === Phases.WaitingPromotion) && t.next.progressingSince === undefined;
}

/**
 * Moves the traffic a primary with no pod carries to the canary, when the canary is ready at full scale; else
 * leaves the routes as they are, saying why when `report`.
 */
export function keepTrafficOffPrimary(t: Tick, report: boolean): void {
  const routes = t.facts.routes;
  const primaryServes = !routes.ok || routes.primary > 0 || (routes.matched?.primary ?? 0) > 0;
  if (!primaryServes) return;
  const unfit = whyCanaryCannotCarry(t);
  if (unfit === undefined) {
    t.warning(events.primaryNoReplica(t.names));
    setRoutes(t, ALL_CANARY, { everyone: true });
    return;
  }
  if (report) t.warning(events.routesHeldForPrimary(t.names, unfit));
}

/**
 * Why the canary cannot take all traffic now, or undefined when it can: ready at full scale, and running either
 * the revision of the run in flight (already serving its share under analysis, or analysed and being promoted)
 * or the last promoted one. Outside a run, a target scaled up with a new revision (a GitOps tool applying its
 * replicas with a new image) has not been analysed: all traffic must not go to it.
 */
function whyCanaryCannotCarry(t: Tick): string | undefined {
  const target = t.facts.target;
  if (!target.exists) return events.targetMissing(t.spec.targetRef.kind, t.names);
  if (target.replicas <= 0) return events.canaryScaledToZero(t.names);
  const promoted = t.promoted;
  if (!RUN_PHASES.includes(t.state.phase) && (promoted === undefined || !sameRevision(t.current, promoted))) return events.canaryUntested(t.names);
  if (target.readiness.kind !== 'ready') return target.readiness.reason;
  if (target.availableReplicas < target.replicas) return events.canaryPartlyAvailable(t.names, target.availableReplicas, target.replicas);
  return undefined;
}
