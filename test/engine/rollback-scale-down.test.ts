/**
 * A rollback moves all traffic back to the primary and leaves the canary's pods up; a later step scales them
 * down, once the routes read back with nothing on the canary and applied (as Finalising after a promotion).
 * The routes-not-applied table covers the asynchronous data plane; this one the rest of the rule.
 */
import { describe, expect, it } from 'vitest';
import { check, facts, routes, routesSet, state, withControl } from './fixtures.ts';
import type { Case } from './fixtures.ts';

/** Rolled back from rev-2 (applied, failed), rev-1 promoted, the scale-down pending. */
const rolledBack = (patch = {}) => state('Failed', { lastAppliedSpec: 'rev-2', canaryScaleDownPending: true, ...patch });

describe('the canary scale-down after a rollback', () => {
  it.each<Case>([
    {
      name: 'rolls back without scaling the canary down in the same step, and stays active',
      state: state('Progressing', { canaryWeight: 20, failedChecks: 3 }),
      facts: facts({ routes: routes(80, 20) }),
      phase: 'Failed',
      decision: 'rollback',
      messages: ['Rolling back podinfo.test failed checks threshold reached 3', 'Canary failed! Scaling down podinfo.test'],
      then: (d) => {
        expect(routesSet(d)).toEqual([{ primary: 100, canary: 0, mirrored: false }]);
        expect(d.types).not.toContain('scaleCanaryToZero');
        expect(d.next).toMatchObject({ phase: 'Failed', canaryWeight: 0, canaryScaleDownPending: true });
        expect(d.next.conditions.at(-1)).toMatchObject({ status: 'False', reason: 'Failed', message: 'Canary analysis failed, Deployment scaled to zero.' });
        expect(d.active).toBe(true);
      },
    },
    {
      name: 'scales the canary down once the routes read back all-primary, and rests',
      state: rolledBack(),
      facts: facts({ target: { templateHash: 'rev-2' }, routes: routes(100, 0) }),
      phase: 'Failed',
      decision: 'scaleDown',
      messages: [],
      then: (d) => {
        expect(d.types).toEqual(['reconcileRouter', 'scaleCanaryToZero']);
        expect(d.next.canaryScaleDownPending).toBeUndefined();
        expect(d.active).toBe(false);
      },
    },
    {
      name: 'routes the canary traffic found again back to the primary, and scales down only on a later step',
      state: rolledBack(),
      facts: facts({ routes: routes(90, 10) }),
      phase: 'Failed',
      decision: 'wait',
      then: (d) => {
        expect(routesSet(d)).toEqual([{ primary: 100, canary: 0, mirrored: false }]);
        expect(d.types).not.toContain('scaleCanaryToZero');
        expect(d.next.canaryScaleDownPending).toBe(true);
        expect(d.active).toBe(true);
      },
    },
    {
      name: 'counts an A/B match route or a mirror that still reaches the canary as canary traffic',
      state: rolledBack(),
      facts: facts({ routes: routes(100, 0, true, { primary: 0, canary: 100 }) }),
      phase: 'Failed',
      decision: 'wait',
      then: (d) => expect(d.types).not.toContain('scaleCanaryToZero'),
    },
    {
      name: 'scales down when the routes cannot be read at all (nothing left that could reach the canary)',
      state: rolledBack(),
      facts: facts({ routes: { ok: false, reason: 'VirtualService podinfo.test not found' } }),
      phase: 'Failed',
      decision: 'scaleDown',
      then: (d) => expect(d.types).toContain('scaleCanaryToZero'),
    },
    {
      name: 'drops the pending scale-down when a new revision starts a run (the run scales the canary up)',
      state: rolledBack(),
      facts: facts({ target: { templateHash: 'rev-3' } }),
      phase: 'Progressing',
      decision: 'start',
      then: (d) => {
        expect(d.types).toContain('scaleCanary');
        expect(d.types).not.toContain('scaleCanaryToZero');
        expect(d.next.canaryScaleDownPending).toBeUndefined();
      },
    },
    {
      name: 'drops it when a retry restarts the failed revision',
      state: withControl(rolledBack(), 'retry'),
      facts: facts(),
      phase: 'Progressing',
      decision: 'start',
      then: (d) => expect(d.next.canaryScaleDownPending).toBeUndefined(),
    },
  ])('$name', (row) => {
    check(row);
  });
});
