import { describe, expect, it } from 'vitest';
import type { CanaryAnalysis, CanaryProvider, Strategy } from '../../shared/api/index.ts';
import { deriveStrategy } from '../../shared/api/index.ts';

const base: CanaryAnalysis = { interval: '1m', threshold: 5 };
const match = [{ headers: { 'x-canary': { exact: 'insider' } } }];

describe('deriveStrategy', () => {
  it.each<{ name: string; analysis: Partial<CanaryAnalysis>; provider?: CanaryProvider; strategy: Strategy; iterations: number }>([
    { name: 'stepWeight is a canary release', analysis: { stepWeight: 10 }, strategy: 'canary', iterations: 0 },
    { name: 'stepWeights is a canary release', analysis: { stepWeights: [10, 50] }, strategy: 'canary', iterations: 0 },
    { name: 'mirror with steps is a canary with mirroring', analysis: { stepWeight: 10, mirror: true }, strategy: 'canary-with-mirror', iterations: 0 },
    { name: 'sessionAffinity with steps', analysis: { stepWeight: 10, sessionAffinity: { cookieName: 'c' } }, strategy: 'canary-with-session-affinity', iterations: 0 },
    { name: 'match with iterations is A/B testing', analysis: { iterations: 10, match }, strategy: 'ab-testing', iterations: 10 },
    { name: 'iterations without steps is blue/green', analysis: { iterations: 5 }, strategy: 'blue-green', iterations: 5 },
    { name: 'iterations with mirror is blue/green with mirroring', analysis: { iterations: 5, mirror: true }, strategy: 'blue-green-with-mirror', iterations: 5 },
    { name: 'the kubernetes provider forces blue/green with 10 iterations', analysis: { stepWeight: 10 }, provider: 'kubernetes', strategy: 'blue-green', iterations: 10 },
    { name: 'the kubernetes provider keeps given iterations', analysis: { iterations: 3 }, provider: 'kubernetes', strategy: 'blue-green', iterations: 3 },
    { name: 'the kubernetes provider drops A/B testing', analysis: { iterations: 3, match }, provider: 'kubernetes', strategy: 'blue-green', iterations: 3 },
    { name: 'the kubernetes provider does not mirror', analysis: { iterations: 3, mirror: true }, provider: 'kubernetes', strategy: 'blue-green', iterations: 3 },
  ])('$name', ({ analysis, provider, strategy, iterations }) => {
    const decision = deriveStrategy({ ...base, ...analysis }, provider ?? 'istio');
    expect([decision.strategy, decision.iterations]).toEqual([strategy, iterations]);
  });

  it('warns when the kubernetes provider changes the strategy', () => {
    const { warnings, usesMatch } = deriveStrategy({ ...base, stepWeight: 10, match }, 'kubernetes');
    expect(usesMatch).toBe(false);
    expect(warnings.map((w) => w.path)).toEqual(['spec.analysis.match', 'spec.analysis']);
  });

  it('warns that match without iterations is not A/B testing', () => {
    const { strategy, warnings } = deriveStrategy({ ...base, stepWeight: 10, match }, 'istio');
    expect(strategy).toBe('canary');
    expect(warnings[0]?.message).toMatch(/A\/B testing needs iterations/);
  });

  it('flags the mirror step of a weighted release only', () => {
    expect(deriveStrategy({ ...base, stepWeight: 10, mirror: true }, 'istio').mirrorStep).toBe(true);
    expect(deriveStrategy({ ...base, iterations: 10, mirror: true }, 'istio').mirrorStep).toBe(false);
  });

  it('warns about session affinity outside weighted releases', () => {
    const { warnings } = deriveStrategy({ ...base, iterations: 5, sessionAffinity: { cookieName: 'c' } }, 'istio');
    expect(warnings.map((w) => w.path)).toEqual(['spec.analysis.sessionAffinity']);
  });
});
