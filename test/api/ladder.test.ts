import { describe, expect, it } from 'vitest';
import type { TrafficSettings } from '../../shared/api/index.ts';
import { maxWeight, nextWeight, promotionLadder, weightLadder } from '../../shared/api/index.ts';

describe('weight ladder', () => {
  it.each<{ name: string; analysis: TrafficSettings; ladder: number[] }>([
    { name: 'stepWeight 10 to maxWeight 50', analysis: { stepWeight: 10, maxWeight: 50 }, ladder: [10, 20, 30, 40, 50] },
    { name: 'stepWeight 15 overshoots maxWeight 50', analysis: { stepWeight: 15, maxWeight: 50 }, ladder: [15, 30, 45, 60] },
    { name: 'stepWeight 30 overshoot is capped at 100', analysis: { stepWeight: 30, maxWeight: 95 }, ladder: [30, 60, 90, 100] },
    { name: 'stepWeight without maxWeight climbs to 100', analysis: { stepWeight: 25 }, ladder: [25, 50, 75, 100] },
    { name: 'stepWeights as given', analysis: { stepWeights: [1, 5, 10, 25, 50] }, ladder: [1, 5, 10, 25, 50] },
    { name: 'stepWeights ignore maxWeight', analysis: { stepWeights: [10, 80], maxWeight: 50 }, ladder: [10, 80] },
    { name: 'stepWeights beyond 100 stop at 100', analysis: { stepWeights: [40, 90, 150] }, ladder: [40, 90, 100] },
    { name: 'no steps (blue/green) has no ladder', analysis: {}, ladder: [] },
  ])('$name', ({ analysis, ladder }) => {
    expect(weightLadder(analysis)).toEqual(ladder);
  });

  it.each<[TrafficSettings, number]>([
    [{ stepWeight: 10 }, 100],
    [{ stepWeight: 10, maxWeight: 50 }, 50],
    [{ stepWeights: [10, 60] , maxWeight: 30 }, 60],
    [{ stepWeights: [10, 160] }, 100],
  ])('maxWeight(%j) is %i', (analysis, expected) => {
    expect(maxWeight(analysis)).toBe(expected);
  });

  it.each<{ analysis: TrafficSettings; current: number; next: number }>([
    { analysis: { stepWeight: 10 }, current: 0, next: 10 },
    { analysis: { stepWeight: 10 }, current: 13, next: 23 },
    { analysis: { stepWeight: 10 }, current: 95, next: 100 },
    { analysis: { stepWeights: [5, 20, 60] }, current: 0, next: 5 },
    { analysis: { stepWeights: [5, 20, 60] }, current: 5, next: 20 },
    { analysis: { stepWeights: [5, 20, 60] }, current: 12, next: 20 },
    { analysis: { stepWeights: [5, 20, 60] }, current: 60, next: 100 },
    { analysis: { stepWeights: [5, 20, 160] }, current: 20, next: 100 },
    { analysis: {}, current: 0, next: 0 },
  ])('nextWeight from $current with $analysis is $next', ({ analysis, current, next }) => {
    expect(nextWeight(analysis, current)).toBe(next);
  });
});

describe('promotion ladder', () => {
  it('routes all traffic to the primary in one step without stepWeightPromotion', () => {
    expect(promotionLadder({}, 50)).toEqual([{ primary: 100, canary: 0 }]);
  });

  it('moves stepWeightPromotion per step until the primary has everything', () => {
    expect(promotionLadder({ stepWeightPromotion: 20 }, 50)).toEqual([
      { primary: 70, canary: 30 },
      { primary: 90, canary: 10 },
      { primary: 100, canary: 0 },
    ]);
  });

  it('starts from all traffic on the canary after blue/green', () => {
    expect(promotionLadder({ stepWeightPromotion: 50 }, 100)).toEqual([
      { primary: 50, canary: 50 },
      { primary: 100, canary: 0 },
    ]);
  });

  it('has no traffic shift for the kubernetes provider', () => {
    expect(promotionLadder({ stepWeightPromotion: 20 }, 100, 'kubernetes')).toEqual([]);
  });

  it('keeps weights summing to 100 on every step', () => {
    for (const step of [1, 7, 33, 100]) {
      for (const start of [0, 5, 50, 100]) {
        expect(promotionLadder({ stepWeightPromotion: step }, start).every((w) => w.primary + w.canary === 100)).toBe(true);
      }
    }
  });
});
