import { describe, expect, it } from 'vitest';
import type { Canary, CanaryAnalysis, CanarySpec, WebhookType } from '../../shared/api/index.ts';
import { renderPlan } from '../../cli/plan-render.ts';
import { HOOK_FIRING_ORDER, planCanary } from '../../shared/api/index.ts';
import { baseObject } from './samples.ts';

function canary(analysis: Partial<CanaryAnalysis>, spec: Partial<CanarySpec> = {}): Canary {
  const base = baseObject('Canary') as unknown as Canary;
  return { ...base, spec: { ...base.spec, provider: 'istio', ...spec, analysis: { interval: '1m', threshold: 3, ...analysis } } };
}

describe('planCanary', () => {
  it('orders hooks by firing order whatever their order in the spec', () => {
    const types: WebhookType[] = ['event', 'rollback', 'post-rollout', 'confirm-promotion', 'confirm-traffic-increase', '', 'pre-rollout', 'confirm-rollout'];
    const webhooks = types.map((type, i) => ({ name: `hook-${i}`, url: 'http://hooks.test/', type }));
    const plan = planCanary(canary({ stepWeight: 20, webhooks }));
    expect(plan.hooks.map((h) => h.type)).toEqual([...HOOK_FIRING_ORDER]);
  });

  it.each<{ name: string; analysis: Partial<CanaryAnalysis>; spec?: Partial<CanarySpec>; steps: number; promotionMs: number }>([
    { name: 'canary: interval × ladder steps', analysis: { stepWeight: 20, maxWeight: 60 }, steps: 3, promotionMs: 180_000 },
    { name: 'canary with overshoot', analysis: { stepWeight: 15, maxWeight: 50 }, steps: 4, promotionMs: 240_000 },
    { name: 'canary with mirroring adds the mirror step', analysis: { stepWeight: 25, mirror: true }, steps: 5, promotionMs: 300_000 },
    { name: 'stepWeights', analysis: { stepWeights: [1, 10, 50] }, steps: 3, promotionMs: 180_000 },
    { name: 'blue/green: interval × iterations', analysis: { iterations: 7 }, steps: 7, promotionMs: 420_000 },
    { name: 'kubernetes provider: 10 iterations', analysis: { stepWeight: 10 }, spec: { provider: 'kubernetes' }, steps: 10, promotionMs: 600_000 },
  ])('minimum duration to promotion, $name', ({ analysis, spec, steps, promotionMs }) => {
    const { durations } = planCanary(canary(analysis, spec));
    expect([durations.promotionSteps, durations.promotionMs]).toEqual([steps, promotionMs]);
  });

  it('minimum duration to rollback is interval × threshold', () => {
    const { durations } = planCanary(canary({ stepWeight: 10, interval: '30s', threshold: 4 }));
    expect([durations.rollbackChecks, durations.rollbackMs]).toEqual([4, 120_000]);
  });

  it('shifts traffic back from the last weight with stepWeightPromotion', () => {
    const plan = planCanary(canary({ stepWeight: 25, maxWeight: 50, stepWeightPromotion: 25 }));
    expect(plan.promotion).toEqual([
      { primary: 75, canary: 25 },
      { primary: 100, canary: 0 },
    ]);
  });

  it('blue/green switches all traffic before promotion, except with the kubernetes provider', () => {
    const istio = planCanary(canary({ iterations: 5 })).traffic;
    const kubernetes = planCanary(canary({ iterations: 5 }, { provider: 'kubernetes' })).traffic;
    expect([istio.kind === 'iterations' && istio.switchesAllTraffic, kubernetes.kind === 'iterations' && kubernetes.switchesAllTraffic]).toEqual([true, false]);
  });

  it('warns that confirm-traffic-increase never fires without weight steps', () => {
    const plan = planCanary(canary({ iterations: 5, webhooks: [{ name: 'gate', url: 'http://hooks.test/', type: 'confirm-traffic-increase' }] }));
    expect(plan.warnings).toEqual([
      { path: 'spec.analysis.webhooks[0].type', message: 'confirm-traffic-increase never fires: this strategy has no weight steps' },
    ]);
  });

  it('renders A/B conditions and session affinity in the text plan', () => {
    const ab = renderPlan(planCanary(canary({ iterations: 10, match: [{ headers: { 'x-canary': { exact: 'insider' } } }] })));
    const sticky = renderPlan(planCanary(canary({ stepWeight: 50, sessionAffinity: { cookieName: 'canary' } })));
    expect(ab).toContain('requests where header x-canary exact "insider" go to the canary');
    expect(sticky).toContain('50% → 100% (max weight 100%); sticky by cookie canary for 86400s');
  });
});
