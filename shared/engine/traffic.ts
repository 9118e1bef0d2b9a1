/**
 * The traffic step after a passed analysis, per strategy (Flagger's runCanary, runAB, runBlueGreen), up to
 * the promotion. The kubernetes provider runs blue/green and never moves traffic.
 */
import { nextWeight } from '../api/ladder.ts';
import { Phases } from '../api/state.ts';
import { confirmPromotion, confirmTrafficIncrease } from './checks.ts';
import { events } from './messages.ts';
import { ALL_CANARY, ALL_PRIMARY, promote, setRoutes } from './outcomes.ts';
import type { Split } from './outcomes.ts';
import type { Tick } from './tick.ts';

/** Advances the release one step from the current (read-back) split. */
export function advance(t: Tick, split: Split): void {
  if (t.spec.provider === 'kubernetes') kubernetesWarnings(t);
  const strategy = t.spec.strategy;
  switch (strategy) {
    case 'ab-testing':
      return abTesting(t);
    case 'blue-green':
    case 'blue-green-with-mirror':
      return blueGreen(t, split);
    case 'canary':
    case 'canary-with-mirror':
    case 'canary-with-session-affinity':
      return weighted(t, split);
    default: {
      const never: never = strategy;
      throw new Error(`unknown strategy ${String(never)}`);
    }
  }
}

/** Flagger repeats these warnings on every analysis step of a kubernetes-provider canary. */
function kubernetesWarnings(t: Tick): void {
  const written = t.input.canary.spec.analysis;
  if ((written.match ?? []).length > 0) t.warning(events.kubernetesNoAB());
  if ((written.iterations ?? 0) < 1) {
    t.warning(events.kubernetesNoProgressive());
    t.warning(events.kubernetesIterations(t.analysis.iterations ?? 0));
  }
}

/**
 * Weighted canary: one mirror-only step first when `analysis.mirror`, then the ladder (stepWeight with
 * overshoot, or stepWeights), each increase behind the confirm-traffic-increase gates; at maxWeight the
 * confirm-promotion gates, then promotion.
 */
function weighted(t: Tick, split: Split): void {
  const max = t.analysis.maxWeight;
  const target = nextWeight(t.analysis, split.canary);
  if (split.canary < max && target > split.canary) {
    // Flagger asks before every increase except the step out of mirroring.
    if (!split.mirrored && !confirmTrafficIncrease(t)) return;
    let next: Split;
    if (t.analysis.mirror && split.canary === 0) {
      next = split.mirrored ? { primary: 100 - target, canary: target, mirrored: false } : { ...ALL_PRIMARY, mirrored: true };
    } else {
      next = { primary: 100 - target, canary: target, mirrored: false };
    }
    setRoutes(t, next);
    t.phase(Phases.Progressing);
    t.normal(events.advanceCanaryWeight(t.names, next.canary));
    t.decide('advance', `canary weight ${next.canary}${next.mirrored ? ' (mirrored)' : ''}`);
    return;
  }
  if (!confirmPromotion(t)) return;
  promote(t);
}

/** A/B testing: matching requests go to the canary for `iterations` steps, then promotion. */
function abTesting(t: Tick): void {
  const iterations = t.analysis.iterations ?? 0;
  if (iterations > t.next.iterations) {
    setRoutes(t, ALL_CANARY);
    return advanceIteration(t, iterations);
  }
  if (!confirmPromotion(t)) return;
  promote(t);
}

/**
 * Blue/green: `iterations` steps of checks against the canary (mirroring live traffic to it when
 * `analysis.mirror`), then one step with all traffic on the canary, then promotion. With the kubernetes
 * provider no step moves traffic.
 */
function blueGreen(t: Tick, split: Split): void {
  const iterations = t.analysis.iterations ?? 0;
  const movesTraffic = t.spec.provider !== 'kubernetes';
  if (iterations > t.next.iterations) {
    if (movesTraffic && t.analysis.mirror && !split.mirrored) setRoutes(t, { ...ALL_PRIMARY, mirrored: true });
    return advanceIteration(t, iterations);
  }
  if (!confirmPromotion(t)) return;
  if (iterations === t.next.iterations) {
    if (movesTraffic) {
      t.normal(t.analysis.mirror ? events.stopMirroring() : events.routingAllToCanary());
      setRoutes(t, ALL_CANARY);
    }
    t.next.iterations += 1;
    t.phase(Phases.Progressing);
    t.decide('advance', 'all traffic on the canary before promotion');
    return;
  }
  promote(t);
}

/** One more iteration of checks done: "Advance … canary iteration i/N". */
function advanceIteration(t: Tick, iterations: number): void {
  t.next.iterations += 1;
  t.phase(Phases.Progressing);
  t.normal(events.advanceIteration(t.names, t.next.iterations, iterations));
  t.decide('advance', `iteration ${t.next.iterations}/${iterations}`);
}
