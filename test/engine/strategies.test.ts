import { describe, expect, it } from 'vitest';
import type { CanaryAnalysis } from '../../shared/api/types.ts';
import { alertsOf, canary, check, facts, routes, routesSet, state } from './fixtures.ts';
import type { Case } from './fixtures.ts';

const progressing = (weight: number, patch = {}) => state('Progressing', { canaryWeight: weight, ...patch });
const TRAFFIC_GATE = { name: 'traffic-gate', type: 'confirm-traffic-increase' as const, url: 'http://tester/gate' };
const PROMOTION_GATE = { name: 'promotion-gate', type: 'confirm-promotion' as const, url: 'http://tester/gate' };
const weighted = (analysis: Partial<CanaryAnalysis>) => canary({ stepWeight: undefined, maxWeight: undefined, ...analysis });

describe('weighted canary ladder', () => {
  it.each([
    { name: 'stepWeight from 0 to the first step', analysis: { stepWeight: 10, maxWeight: 50 }, from: 0, to: 10 },
    { name: 'stepWeight one step up', analysis: { stepWeight: 10, maxWeight: 50 }, from: 20, to: 30 },
    { name: 'stepWeight up to maxWeight', analysis: { stepWeight: 10, maxWeight: 50 }, from: 40, to: 50 },
    { name: 'stepWeight overshooting maxWeight', analysis: { stepWeight: 15, maxWeight: 50 }, from: 45, to: 60 },
    { name: 'stepWeight capped at 100', analysis: { stepWeight: 30, maxWeight: 100 }, from: 90, to: 100 },
    { name: 'stepWeights from 0 to the first step', analysis: { stepWeights: [1, 5, 25, 50] }, from: 0, to: 1 },
    { name: 'stepWeights to the next step', analysis: { stepWeights: [1, 5, 25, 50] }, from: 5, to: 25 },
    { name: 'stepWeights to the last step', analysis: { stepWeights: [1, 5, 25, 50] }, from: 25, to: 50 },
  ])('advances with $name', ({ analysis, from, to }) => {
    const d = check({ name: '', canary: weighted(analysis), state: progressing(from), facts: facts({ routes: routes(100 - from, from) }) });
    expect(routesSet(d)).toEqual([{ primary: 100 - to, canary: to, mirrored: false }]);
    expect(d.messages.at(-1)).toBe(`Advance podinfo.test canary weight ${to}`);
    expect(d.next.canaryWeight).toBe(to);
    expect(d.next.phase).toBe('Progressing');
  });

  it.each([
    { name: 'maxWeight is reached', analysis: { stepWeight: 10, maxWeight: 50 }, at: 50 },
    { name: 'an overshoot passed maxWeight', analysis: { stepWeight: 15, maxWeight: 50 }, at: 60 },
    { name: 'the last of stepWeights is reached (maxWeight ignored)', analysis: { stepWeights: [10, 30], maxWeight: 80 }, at: 30 },
  ])('promotes when $name', ({ analysis, at }) => {
    const d = check({ name: '', canary: weighted(analysis), state: progressing(at), facts: facts({ routes: routes(100 - at, at) }) });
    expect(d.messages).toEqual(['Copying podinfo.test template spec to podinfo-primary.test']);
    expect(d.types).toEqual(['reconcileRouter', 'recordEvent', 'promote']);
    expect(d.next).toMatchObject({ phase: 'Promoting', canaryWeight: at, promotingSince: '2026-01-01T01:00:00Z' });
    expect(d.next.promotingTemplate).toEqual(facts().target.template);
  });
});

describe('gates on traffic and promotion', () => {
  it.each<Case>([
    {
      name: 'halts before a traffic increase while confirm-traffic-increase is closed',
      canary: canary({ webhooks: [TRAFFIC_GATE] }),
      state: progressing(10),
      facts: facts({ routes: routes(90, 10) }),
      answers: { hooks: { 'traffic-gate': 'pending' } },
      phase: 'Progressing',
      decision: 'wait',
      types: ['reconcileRouter', 'recordEvent', 'notify'],
      messages: ['Halt podinfo.test advancement waiting for traffic increase approval traffic-gate'],
      then: (d) => expect(alertsOf(d)).toEqual(['warn: Halt podinfo.test advancement waiting for traffic increase approval traffic-gate']),
    },
    {
      name: 'moves to WaitingPromotion while confirm-promotion is closed',
      canary: canary({ webhooks: [PROMOTION_GATE] }),
      state: progressing(50),
      facts: facts({ routes: routes(50, 50) }),
      answers: { hooks: { 'promotion-gate': 'pending' } },
      phase: 'WaitingPromotion',
      messages: ['Halt podinfo.test advancement waiting for promotion approval promotion-gate'],
      then: (d) => {
        expect(alertsOf(d)).toEqual(['warn: Halt podinfo.test advancement waiting for promotion approval promotion-gate']);
        expect(d.next.canaryWeight).toBe(50);
      },
    },
    {
      name: 'keeps running the metrics in WaitingPromotion without repeating the halt',
      canary: canary({ webhooks: [PROMOTION_GATE] }),
      state: state('WaitingPromotion', { canaryWeight: 50 }),
      facts: facts({ routes: routes(50, 50) }),
      answers: { hooks: { 'promotion-gate': 'pending' } },
      phase: 'WaitingPromotion',
      messages: [],
      then: (d) => expect(d.metrics.map((m) => m.name)).toEqual(['request-success-rate']),
    },
    {
      name: 'counts failed checks in WaitingPromotion',
      canary: canary({ webhooks: [PROMOTION_GATE] }),
      state: state('WaitingPromotion', { canaryWeight: 50 }),
      facts: facts({ routes: routes(50, 50) }),
      answers: { metrics: { 'request-success-rate': 10 } },
      phase: 'WaitingPromotion',
      then: (d) => {
        expect(d.next.failedChecks).toBe(1);
        expect(d.called).toEqual([]);
      },
    },
    {
      name: 'promotes from WaitingPromotion once the gate opens',
      canary: canary({ webhooks: [PROMOTION_GATE] }),
      state: state('WaitingPromotion', { canaryWeight: 50 }),
      facts: facts({ routes: routes(50, 50) }),
      phase: 'Promoting',
      messages: ['Confirm-promotion check promotion-gate passed', 'Copying podinfo.test template spec to podinfo-primary.test'],
    },
  ])('$name', (row) => {
    check(row);
  });
});

describe('mirroring step of a canary', () => {
  const mirror = canary({ mirror: true, mirrorWeight: 50, webhooks: [TRAFFIC_GATE] });
  it('mirrors traffic for one step before shifting any weight', () => {
    const d = check({ name: '', canary: mirror, state: progressing(0) });
    expect(routesSet(d)).toEqual([{ primary: 100, canary: 0, mirrored: true, mirrorWeight: 50 }]);
    expect(d.messages).toEqual([
      'Starting canary analysis for podinfo.test',
      'Confirm-traffic-increase check traffic-gate passed',
      'Advance podinfo.test canary weight 0',
    ]);
  });

  it('analyses the mirrored traffic, then stops mirroring and shifts the first weight without asking the traffic gate', () => {
    const d = check({ name: '', canary: mirror, state: progressing(0), facts: facts({ routes: routes(100, 0, true) }) });
    expect(d.metrics.map((m) => m.name)).toEqual(['request-success-rate']);
    expect(d.called).toEqual([]);
    expect(routesSet(d)).toEqual([{ primary: 90, canary: 10, mirrored: false }]);
  });
});

describe('A/B testing', () => {
  const match = [{ headers: { 'x-canary': { exact: 'insider' } } }];
  const ab = canary({ stepWeight: undefined, maxWeight: undefined, iterations: 10, match, webhooks: [PROMOTION_GATE] });
  it.each<Case>([
    {
      name: 'sends matching requests 100% to the canary and counts the first iteration',
      canary: ab,
      state: progressing(0),
      messages: ['Starting canary analysis for podinfo.test', 'Advance podinfo.test canary iteration 1/10'],
      then: (d) => {
        expect(routesSet(d)).toEqual([{ primary: 0, canary: 100, mirrored: false, match }]);
        expect(d.next).toMatchObject({ iterations: 1, canaryWeight: 0 });
      },
    },
    {
      name: 'analyses and counts the next iteration',
      canary: ab,
      state: progressing(0, { iterations: 5 }),
      facts: facts({ routes: routes(100, 0, false, { primary: 0, canary: 100 }) }),
      messages: ['Advance podinfo.test canary iteration 6/10'],
      then: (d) => expect(d.metrics).toHaveLength(1),
    },
    {
      name: 'promotes after the last iteration through the promotion gate',
      canary: ab,
      state: progressing(0, { iterations: 10 }),
      facts: facts({ routes: routes(100, 0, false, { primary: 0, canary: 100 }) }),
      phase: 'Promoting',
      messages: ['Confirm-promotion check promotion-gate passed', 'Copying podinfo.test template spec to podinfo-primary.test'],
    },
    {
      name: 'routes matching requests back to the primary on rollback',
      canary: ab,
      state: progressing(0, { iterations: 3, failedChecks: 3 }),
      facts: facts({ routes: routes(100, 0, false, { primary: 0, canary: 100 }) }),
      phase: 'Failed',
      then: (d) => {
        expect(routesSet(d)).toEqual([{ primary: 100, canary: 0, mirrored: false, match }]);
        expect(d.next).toMatchObject({ iterations: 0, failedChecks: 3 });
      },
    },
  ])('$name', (row) => {
    check(row);
  });
});

describe('blue/green', () => {
  const bg = (analysis: Partial<CanaryAnalysis> = {}, provider: 'istio' | 'kubernetes' = 'istio') =>
    canary({ stepWeight: undefined, maxWeight: undefined, iterations: 3, ...analysis }, { provider });
  it.each<Case>([
    {
      name: 'counts iterations without moving traffic',
      canary: bg(),
      state: progressing(0, { iterations: 1 }),
      messages: ['Advance podinfo.test canary iteration 2/3'],
      types: ['reconcileRouter', 'recordEvent'],
    },
    {
      name: 'after the last iteration, routes all traffic to the canary for one step',
      canary: bg(),
      state: progressing(0, { iterations: 3 }),
      phase: 'Progressing',
      messages: ['Routing all traffic to canary'],
      then: (d) => {
        expect(routesSet(d)).toEqual([{ primary: 0, canary: 100, mirrored: false }]);
        expect(d.next).toMatchObject({ iterations: 4, canaryWeight: 100 });
      },
    },
    {
      name: 'then promotes with the canary carrying all traffic',
      canary: bg(),
      state: progressing(100, { iterations: 4 }),
      facts: facts({ routes: routes(0, 100) }),
      phase: 'Promoting',
      messages: ['Copying podinfo.test template spec to podinfo-primary.test'],
      then: (d) => expect(d.next).toMatchObject({ canaryWeight: 100, iterations: 0 }),
    },
    {
      name: 'mirrors live traffic to the canary during the iterations',
      canary: bg({ mirror: true }),
      state: progressing(0, { iterations: 1 }),
      then: (d) => expect(routesSet(d)).toEqual([{ primary: 100, canary: 0, mirrored: true, mirrorWeight: 100 }]),
    },
    {
      name: 'stops mirroring and routes all traffic to the canary after the iterations',
      canary: bg({ mirror: true }),
      state: progressing(0, { iterations: 3 }),
      facts: facts({ routes: routes(100, 0, true) }),
      messages: ['Stop traffic mirroring and route all traffic to canary'],
      then: (d) => expect(routesSet(d)).toEqual([{ primary: 0, canary: 100, mirrored: false }]),
    },
    {
      name: 'on the kubernetes provider, runs 10 iterations with warnings and never sets routes',
      canary: canary({ match: [{ headers: { 'x-canary': { exact: 'insider' } } }] }, { provider: 'kubernetes' }),
      state: progressing(0, { iterations: 2 }),
      types: ['reconcileRouter', 'recordEvent', 'recordEvent', 'recordEvent', 'recordEvent'],
      messages: [
        'A/B testing is not supported when using the kubernetes provider',
        'Progressive traffic is not supported when using the kubernetes provider',
        'Setting canaryAnalysis.iterations: 10',
        'Advance podinfo.test canary iteration 3/10',
      ],
    },
    {
      name: 'on the kubernetes provider, skips the all-traffic step after the iterations',
      canary: bg({}, 'kubernetes'),
      state: progressing(0, { iterations: 3 }),
      types: ['reconcileRouter'],
      then: (d) => expect(d.next.iterations).toBe(4),
    },
    {
      name: 'on the kubernetes provider, goes from Promoting to Finalising without routes',
      canary: bg({}, 'kubernetes'),
      state: state('Promoting', { iterations: 4, promotingSince: '2026-01-01T00:59:00Z' }),
      phase: 'Finalising',
      types: ['reconcileRouter'],
    },
  ])('$name', (row) => {
    check(row);
  });
});

describe('session affinity', () => {
  const sticky = canary({ sessionAffinity: { cookieName: 'flagger-cookie', primaryCookieName: 'primary-cookie' } });
  it('gives canary responses a cookie that keeps the session on the canary, the same on every step of the run', () => {
    const first = check({ name: '', canary: sticky, state: progressing(0) });
    const [routesOne] = routesSet(first) as [{ session: { canary: string; primary: string } }];
    expect(routesOne.session.canary).toMatch(/^flagger-cookie=[a-zA-Z]{10}$/);
    expect(routesOne.session.primary).toMatch(/^primary-cookie=[a-zA-Z]{10}$/);
    expect(first.next.sessionAffinityCookie).toBe(routesOne.session.canary);
    const second = check({ name: '', canary: sticky, state: first.next, facts: facts({ routes: routes(90, 10) }) });
    expect(routesSet(second)).toEqual([{ primary: 80, canary: 20, mirrored: false, session: routesOne.session }]);
  });

  it('expires the run cookie once traffic returns to the primary', () => {
    const s = state('Promoting', { canaryWeight: 50, sessionAffinityCookie: 'flagger-cookie=abcdefghij', primarySessionAffinityCookie: 'primary-cookie=klmnopqrst' });
    const d = check({ name: '', canary: sticky, state: s, facts: facts({ routes: routes(50, 50) }) });
    expect(routesSet(d)).toEqual([{ primary: 100, canary: 0, mirrored: false, session: { previous: 'flagger-cookie=abcdefghij' } }]);
    expect(d.next.previousSessionAffinityCookie).toBe('flagger-cookie=abcdefghij');
    expect(d.next.sessionAffinityCookie).toBeUndefined();
    expect(d.next.primarySessionAffinityCookie).toBeUndefined();
  });

  it('derives a different cookie for a different run', () => {
    const one = check({ name: '', canary: sticky, state: progressing(0) });
    const two = check({ name: '', canary: sticky, state: progressing(0, { progressingSince: '2026-01-01T00:30:00Z' }) });
    expect(one.next.sessionAffinityCookie).not.toBe(two.next.sessionAffinityCookie);
  });
});

describe('session affinity across a failed promotion', () => {
  it('expires the run cookie when a restored primary takes the traffic back, so the next run gets a new one', () => {
    const sticky = canary({ sessionAffinity: { cookieName: 'flagger-cookie' } });
    const failed = state('Failed', {
      lastAppliedSpec: 'rev-2',
      canaryWeight: 100,
      sessionAffinityCookie: 'flagger-cookie=abcdefghij',
      promotionFailure: { mode: 'restore', at: '2026-01-01T00:58:00Z', reason: 'x' },
    });
    const d = check({ name: '', canary: sticky, state: failed, facts: facts({ routes: routes(0, 100) }), decision: 'restored' });
    expect(routesSet(d)).toEqual([{ primary: 100, canary: 0, mirrored: false, session: { previous: 'flagger-cookie=abcdefghij' } }]);
    expect(d.next.sessionAffinityCookie).toBeUndefined();
  });
});

describe('blue/green behind a promotion gate', () => {
  it('leaves WaitingPromotion for the all-traffic step when the gate opens', () => {
    const bg = canary({ stepWeight: undefined, maxWeight: undefined, iterations: 3, webhooks: [PROMOTION_GATE] });
    const d = check({ name: '', canary: bg, state: state('WaitingPromotion', { iterations: 3 }), phase: 'Progressing' });
    expect(d.messages).toEqual(['Confirm-promotion check promotion-gate passed', 'Routing all traffic to canary']);
    expect(d.next.iterations).toBe(4);
  });
});
