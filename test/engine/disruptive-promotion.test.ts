/**
 * Seed 000 at the promote step: a primary whose update leaves no pod available (a Recreate strategy, or a
 * maxUnavailable covering every replica) must not keep the traffic it carries while it rolls out. The canary,
 * healthy and fully scaled, takes all of it in the step that promotes; it comes back once the primary is ready.
 */
import { describe, expect, it } from 'vitest';
import { ago, canary, check, facts, routes, routesSet, state, template, workload } from './fixtures.ts';
import type { Case } from './fixtures.ts';

const RECREATE = workload({ updateDisruptive: true });
const ALL_CANARY = { primary: 0, canary: 100, mirrored: false };
const COPYING = 'Copying podinfo.test template spec to podinfo-primary.test';
const PROTECTING = 'Primary podinfo-primary.test has no available replica while it is updated, routing all traffic to the canary';
const atMaxWeight = state('Progressing', { canaryWeight: 50 });
const promoting = (patch = {}) => state('Promoting', { canaryWeight: 100, promotingSince: ago(60), promotingTemplate: template('rev-2') as never, ...patch });

describe('promoting a primary whose update leaves no pod available', () => {
  it.each<Case>([
    {
      name: 'routes all traffic to the canary in the step that promotes, before the template is copied',
      state: atMaxWeight,
      facts: facts({ routes: routes(50, 50), primary: RECREATE }),
      phase: 'Promoting',
      decision: 'promote',
      types: ['reconcileRouter', 'recordEvent', 'recordEvent', 'setRoutes', 'promote'],
      messages: [COPYING, PROTECTING],
      then: (d) => {
        expect(routesSet(d)).toEqual([ALL_CANARY]);
        expect(d.next.canaryWeight).toBe(100);
      },
    },
    {
      name: 'leaves the traffic where it is when the update keeps pods available',
      state: atMaxWeight,
      facts: facts({ routes: routes(50, 50), primary: workload({ updateDisruptive: false }) }),
      phase: 'Promoting',
      types: ['reconcileRouter', 'recordEvent', 'promote'],
      messages: [COPYING],
      then: (d) => expect(d.next.canaryWeight).toBe(50),
    },
    {
      name: 'does not pile the traffic on a canary that is not at full scale (the Promoting phase protects later)',
      state: atMaxWeight,
      facts: facts({ routes: routes(50, 50), primary: RECREATE, target: { availableReplicas: 1 } }),
      phase: 'Promoting',
      types: ['reconcileRouter', 'recordEvent', 'promote'],
    },
    {
      name: 'drops the A/B match route so that every request reaches the canary',
      canary: canary({ stepWeight: undefined, maxWeight: undefined, iterations: 2, match: [{ headers: { 'x-canary': { exact: 'insider' } } }] }),
      state: state('Progressing', { iterations: 2 }),
      facts: facts({ routes: routes(100, 0, false, { primary: 0, canary: 100 }), primary: RECREATE }),
      phase: 'Promoting',
      messages: [COPYING, PROTECTING],
      then: (d) => expect(routesSet(d)).toEqual([ALL_CANARY]),
    },
    {
      name: 'writes nothing more when blue/green already has all traffic on the canary',
      canary: canary({ stepWeight: undefined, maxWeight: undefined, iterations: 2 }),
      state: state('Progressing', { iterations: 3, canaryWeight: 100 }),
      facts: facts({ routes: routes(0, 100), primary: RECREATE }),
      phase: 'Promoting',
      types: ['reconcileRouter', 'recordEvent', 'promote'],
    },
    {
      name: 'points the kubernetes apex at the canary pods, the one switch L4 has',
      canary: canary({ stepWeight: undefined, maxWeight: undefined, iterations: 2 }, { provider: 'kubernetes' }),
      state: state('Progressing', { iterations: 3 }),
      facts: facts({ primary: RECREATE }),
      phase: 'Promoting',
      then: (d) => {
        expect(routesSet(d)).toEqual([ALL_CANARY]);
        expect(d.types.indexOf('setRoutes')).toBeLessThan(d.types.indexOf('promote'));
      },
    },
    {
      name: 'promotes a skipAnalysis canary through Promoting instead of at once, keeping the canary up',
      canary: canary({}, { skipAnalysis: true }),
      state: state('Progressing'),
      facts: facts({ primary: RECREATE }),
      phase: 'Promoting',
      decision: 'promote',
      types: ['reconcileRouter', 'recordEvent', 'recordEvent', 'setRoutes', 'promote'],
      then: (d) => expect(routesSet(d)).toEqual([ALL_CANARY]),
    },
    {
      name: 'waits with the traffic on the canary while the recreated primary has no ready replica',
      state: promoting(),
      facts: facts({ routes: routes(0, 100), primary: workload({ updateDisruptive: true, availableReplicas: 0, readiness: { kind: 'wait', reason: 'podinfo-primary.test not ready: waiting for rollout to finish: 0 of 2 (readyThreshold 100%) updated replicas are available' } }) }),
      phase: 'Promoting',
      decision: 'wait',
      types: ['reconcileRouter', 'recordEvent'],
    },
    {
      name: 'shifts traffic back by stepWeightPromotion once the primary is ready',
      canary: canary({ stepWeightPromotion: 30 }),
      state: promoting(),
      facts: facts({ routes: routes(0, 100), primary: RECREATE }),
      phase: 'Promoting',
      messages: ['Advance podinfo.test primary weight 30'],
      then: (d) => expect(routesSet(d)).toEqual([{ primary: 30, canary: 70, mirrored: false }]),
    },
    {
      name: 'moves the kubernetes apex back to the ready primary and finalises',
      canary: canary({ stepWeight: undefined, maxWeight: undefined, iterations: 2 }, { provider: 'kubernetes' }),
      state: promoting(),
      facts: facts({ routes: routes(0, 100), primary: RECREATE }),
      phase: 'Finalising',
      then: (d) => expect(routesSet(d)).toEqual([{ primary: 100, canary: 0, mirrored: false }]),
    },
  ])('$name', (row) => {
    check(row);
  });
});
