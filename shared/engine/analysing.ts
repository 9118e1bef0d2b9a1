/**
 * Phases Progressing and WaitingPromotion: the analysis loop. Order of checks (Flagger's, with Fledge's hard
 * deadline): primary ready, routes read back, revision changed (restart, or cancel when reverted to the
 * promoted spec), a run interrupted by a rebuilt primary (restart), canary ready (rollback at the deadline),
 * skipAnalysis, abort, rollback hooks, failed-checks threshold, a promote request, the analysis round (a failure
 * counts one failed check, a check hook in progress waits), the traffic step.
 */
import { Phases } from '../api/state.ts';
import { analysisRound, rollbackRequested } from './checks.ts';
import { takeControl } from './controls.ts';
import { events } from './messages.ts';
import { ALL_PRIMARY, beginRun, effectiveSplit, endRun, forgetCanaryProgress, markApplied, promote, rollback, setRoutes } from './outcomes.ts';
import { skipAnalysis } from './promotion.ts';
import { progressDeadline } from './progress.ts';
import { keepTrafficOffPrimary, runInterrupted } from './rebuild.ts';
import { sameRevision } from './revision.ts';
import type { Tick } from './tick.ts';
import { advance } from './traffic.ts';

/** One step of a run under analysis. */
export function analysing(t: Tick): void {
  const primary = t.facts.primary;
  const interrupted = runInterrupted(t);
  if ((interrupted || !t.spec.skipAnalysis) && primary.readiness.kind !== 'ready') {
    // A rebuilt primary with no pod yet must not get back the traffic moved off it.
    if (interrupted && primary.availableReplicas === 0) keepTrafficOffPrimary(t, false);
    t.warning(primary.readiness.reason);
    t.decide('wait', 'waiting for the primary');
    return;
  }
  const routes = t.facts.routes;
  if (!routes.ok) {
    t.warning(routes.reason);
    t.decide('wait', 'routes unavailable');
    return;
  }
  const current = t.current;
  const applied = t.applied;
  if (applied === undefined || !sameRevision(current, applied)) {
    const promoted = t.promoted;
    if (promoted !== undefined && sameRevision(current, promoted)) return cancelRun(t);
    return restart(t, events.newRevisionRestarting(t.names));
  }
  if (interrupted) return restart(t, events.primaryReadyRestarting(t.names));
  if (!canaryReady(t)) return;
  if (t.spec.skipAnalysis) return skipAnalysis(t);
  const abort = takeControl(t, 'abort');
  if (abort !== undefined) return rollback(t, { kind: 'aborted', by: abort.requestedBy });
  if (rollbackRequested(t, t.state.phase)) return rollback(t, { kind: 'manual' });
  const threshold = t.analysis.threshold;
  if (t.next.failedChecks >= threshold) return rollback(t, { kind: 'threshold' });
  const request = takeControl(t, 'promote');
  if (request !== undefined) {
    t.normal(events.promotionRequested(t.names, request.requestedBy));
    return promote(t);
  }
  const split = effectiveSplit(routes);
  const round = analysisRound(t, split);
  // A check still in progress keeps the canary where it is without counting against it (Fledge's extension).
  if (round === 'inProgress') return;
  if (round === 'failed') {
    t.next.failedChecks += 1;
    // Rolling back on the step that reaches the threshold spares users one more interval of a failing canary.
    if (t.next.failedChecks >= threshold) return rollback(t, { kind: 'threshold' });
    t.decide('halt', `failed checks ${t.next.failedChecks}/${threshold}`);
    return;
  }
  advance(t, split);
}

/**
 * Canary readiness. Not ready: wait, unless the workload gave up or the canary has made no progress for
 * `progressDeadlineSeconds` since it was first seen not ready or since its last progress (Fledge's hard
 * deadline, whatever the Deployment's conditions say, see `progress.ts`): rollback.
 */
function canaryReady(t: Tick): boolean {
  const readiness = t.facts.target.readiness;
  if (readiness.kind === 'ready') {
    delete t.next.canaryNotReadySince;
    forgetCanaryProgress(t);
    return true;
  }
  if (readiness.kind === 'failed') {
    rollback(t, { kind: 'deadline', reason: readiness.reason });
    return false;
  }
  const since = t.next.canaryNotReadySince ?? t.now;
  t.next.canaryNotReadySince = since;
  const deadline = progressDeadline(t, 'canary', since, t.facts.target);
  if (deadline.exceeded) {
    const reason = deadline.stall
      ? events.canaryStalled(deadline.elapsed, deadline.stall, readiness.reason)
      : events.canaryDeadline(deadline.elapsed, readiness.reason);
    rollback(t, { kind: 'deadline', reason });
    return false;
  }
  t.warning(readiness.reason);
  t.decide('wait', 'waiting for the canary');
  return false;
}

/**
 * A change of revision mid-analysis restarts it, and so does a primary rebuilt mid-analysis once it is ready
 * (see `rebuild.ts`): routes back to the primary, counters zeroed, the run started again.
 */
function restart(t: Tick, message: string): void {
  const current = t.current;
  t.normal(message);
  setRoutes(t, ALL_PRIMARY);
  beginRun(t, current);
  t.decide('restart', `new revision ${current.spec}`);
}

/**
 * The target went back to the promoted revision mid-analysis: Flagger would keep analysing (and later
 * "promote") the spec the primary already runs; Fledge cancels the run instead and returns to Initialized.
 */
function cancelRun(t: Tick): void {
  const promoted = t.promoted;
  t.normal(events.revertedToPromoted(t.names));
  setRoutes(t, ALL_PRIMARY);
  t.effect({ type: 'scaleCanaryToZero' });
  t.phase(Phases.Initialized);
  t.next.canaryWeight = 0;
  t.next.failedChecks = 0;
  t.next.iterations = 0;
  if (promoted !== undefined) markApplied(t, promoted);
  endRun(t);
  t.decide('cancel', 'reverted to the promoted revision');
}
