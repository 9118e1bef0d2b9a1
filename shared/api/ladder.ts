/**
 * The traffic weight ladder of a canary release, as Flagger's scheduler moves it: `stepWeight` increments
 * (the last step may overshoot `maxWeight`, capped at 100), explicit `stepWeights`, and the optional
 * step-by-step shift back to the primary after promotion (`stepWeightPromotion`). Pure functions.
 */
import type { Weights } from './state.ts';
import type { CanaryAnalysis, CanaryProvider } from './types.ts';

/** The analysis fields that shape the traffic ladder. */
export type TrafficSettings = Pick<CanaryAnalysis, 'stepWeight' | 'stepWeights' | 'maxWeight' | 'stepWeightPromotion'>;

/** All traffic, in percent. */
export const TOTAL_WEIGHT = 100;

/**
 * The canary weight at which promotion starts. Flagger: with `stepWeights`, the last step capped at 100
 * (`maxWeight` is then ignored); otherwise `maxWeight`, default 100.
 */
export function maxWeight(analysis: TrafficSettings): number {
  const steps = analysis.stepWeights ?? [];
  const last = steps[steps.length - 1];
  if (last !== undefined) return Math.min(TOTAL_WEIGHT, last);
  if (analysis.maxWeight !== undefined && analysis.maxWeight > 0) return analysis.maxWeight;
  return TOTAL_WEIGHT;
}

/**
 * The canary weight after the next advance from `current`.
 *
 * With `stepWeight` this is Flagger's `min(current + stepWeight, 100)`. With `stepWeights` it is the first
 * step above `current`, capped at 100. Flagger jumps straight to 100 from a weight that is not on the ladder
 * (for instance after `stepWeights` was edited mid-run); Fledge deliberately resumes at the next step
 * instead, so an edit never sends all traffic to an unproven canary. Without either field the weight stays.
 */
export function nextWeight(analysis: TrafficSettings, current: number): number {
  const step = analysis.stepWeight ?? 0;
  const steps = analysis.stepWeights ?? [];
  if (step > 0 || steps.length === 0) return Math.min(current + step, TOTAL_WEIGHT);
  const next = steps.find((weight) => weight > current);
  return Math.min(next ?? TOTAL_WEIGHT, TOTAL_WEIGHT);
}

/**
 * Every canary weight of a successful run, from the first advance until the weight reaches
 * {@link maxWeight}: e.g. stepWeight 15, maxWeight 50 → `[15, 30, 45, 60]`. Empty when the settings never
 * advance (no positive stepWeight and no stepWeights).
 */
export function weightLadder(analysis: TrafficSettings): number[] {
  const max = maxWeight(analysis);
  const ladder: number[] = [];
  let weight = 0;
  while (weight < max) {
    const next = nextWeight(analysis, weight);
    if (next <= weight) return [];
    ladder.push(next);
    weight = next;
  }
  return ladder;
}

/**
 * The routing steps after promotion, from canary weight `canaryWeight` back to all traffic on the primary.
 * Without `stepWeightPromotion` it is one step; with it, the primary gains that much per interval. The
 * kubernetes provider has no weights to shift: it goes straight to finalising (empty list).
 */
export function promotionLadder(
  analysis: TrafficSettings,
  canaryWeight: number,
  provider?: CanaryProvider,
): Weights[] {
  if (provider === 'kubernetes') return [];
  const step = analysis.stepWeightPromotion ?? 0;
  if (step <= 0) return [{ primary: TOTAL_WEIGHT, canary: 0 }];
  const ladder: Weights[] = [];
  let canary = Math.max(0, Math.min(TOTAL_WEIGHT, canaryWeight));
  let primary = TOTAL_WEIGHT - canary;
  do {
    primary = Math.min(primary + step, TOTAL_WEIGHT);
    canary = Math.max(canary - step, 0);
    ladder.push({ primary, canary });
  } while (primary < TOTAL_WEIGHT);
  return ladder;
}
