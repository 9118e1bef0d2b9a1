/**
 * A router whose data plane converges asynchronously (Gateway API: every parent must accept the route's current
 * generation, Flagger #1791) reads back "written, not applied yet". The engine holds the release at the weight
 * the data plane has, with an event saying why, and moves on once the routes are applied.
 */
import { describe, expect, it } from 'vitest';
import type { RouteReading } from '../../shared/api/routes.ts';
import { ago, check, facts, routes, routesSet, state, template } from './fixtures.ts';
import type { Case } from './fixtures.ts';

const REASON = 'HTTPRoute podinfo.test generation 3 is not accepted yet by Gateway istio-ingress/public (observed generation 2); holding traffic until it is';
const notApplied = (primary: number, canaryWeight: number): RouteReading => ({ ok: false, reason: REASON, written: { primary, canary: canaryWeight, mirrored: false, matched: null } });

describe('routes written but not applied yet', () => {
  it.each<Case>([
    {
      name: 'holds a progressing release at its weight, with a warning saying why, and moves no traffic',
      state: state('Progressing', { canaryWeight: 20, iterations: 0 }),
      facts: facts({ routes: notApplied(80, 20) }),
      phase: 'Progressing',
      decision: 'wait',
      messages: [REASON],
      then: (d) => {
        expect(routesSet(d)).toEqual([]);
        expect(d.next.canaryWeight).toBe(20);
        expect(d.next.failedChecks).toBe(0);
      },
    },
    {
      name: 'advances once the route is applied',
      state: state('Progressing', { canaryWeight: 20 }),
      facts: facts({ routes: routes(80, 20) }),
      phase: 'Progressing',
      messages: ['Advance podinfo.test canary weight 30'],
      then: (d) => expect(routesSet(d)).toEqual([{ primary: 70, canary: 30, mirrored: false }]),
    },
    {
      name: 'waits in Promoting before shifting traffic back',
      state: state('Promoting', { canaryWeight: 50, promotingSince: ago(60), promotingTemplate: template('rev-2') as never }),
      facts: facts({ routes: notApplied(50, 50) }),
      phase: 'Promoting',
      decision: 'wait',
      then: (d) => expect(routesSet(d)).toEqual([]),
    },
    {
      name: 'never scales the canary down in Finalising while the route back to the primary is not applied',
      state: state('Finalising', { promotingSince: ago(120), promotingTemplate: template('rev-2') as never }),
      facts: facts({ routes: notApplied(100, 0) }),
      phase: 'Finalising',
      decision: 'wait',
      messages: [REASON],
      then: (d) => expect(d.types).not.toContain('scaleCanaryToZero'),
    },
    {
      name: 'never scales a rolled-back canary down while the route back to the primary is not applied',
      state: state('Failed', { lastAppliedSpec: 'rev-2', canaryScaleDownPending: true }),
      facts: facts({ routes: notApplied(100, 0) }),
      phase: 'Failed',
      decision: 'wait',
      messages: [REASON],
      then: (d) => {
        expect(d.types).not.toContain('scaleCanaryToZero');
        expect(d.next.canaryScaleDownPending).toBe(true);
        expect(d.active).toBe(true);
      },
    },
    {
      name: 'finalises once it is applied',
      state: state('Finalising', { promotingSince: ago(120), promotingTemplate: template('rev-2') as never }),
      facts: facts({ routes: routes(100, 0) }),
      phase: 'Succeeded',
      then: (d) => expect(d.types).toContain('scaleCanaryToZero'),
    },
  ])('$name', (row) => {
    check(row);
  });
});
