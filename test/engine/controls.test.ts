import { describe, expect, it } from 'vitest';
import { alertsOf, canary, check, facts, routes, routesSet, state, withControl, workload } from './fixtures.ts';
import type { Case } from './fixtures.ts';

const GATE = { name: 'gate', type: 'confirm-rollout' as const, url: 'http://tester/gate' };
const progressing = (weight: number, patch = {}) => state('Progressing', { canaryWeight: weight, ...patch });
const at = (weight: number) => facts({ routes: routes(100 - weight, weight) });

describe('suspend and pause', () => {
  it('records "skipping canary run as object is suspended" and does nothing else', () => {
    const s = progressing(20);
    const d = check({ name: '', canary: canary({}, { suspend: true }), state: s, facts: at(20), decision: 'suspended', types: ['recordEvent'], messages: ['skipping canary run as object is suspended'] });
    expect(d.next).toEqual(s);
    expect(d.asked).toEqual([]);
  });

  it.each<Case>([
    {
      name: 'freezes the canary on a pause request, like suspend',
      state: withControl(progressing(20), 'pause'),
      facts: at(20),
      decision: 'paused',
      types: ['recordEvent', 'recordEvent'],
      messages: ['Runtime control pause requested by cli:alice', 'skipping canary run as object is paused'],
      then: (d) => {
        expect(d.next.paused).toBe(true);
        expect(d.next.controls).toEqual([]);
      },
    },
    {
      name: 'stays frozen while paused',
      state: progressing(20, { paused: true }),
      facts: at(20),
      types: ['recordEvent'],
      messages: ['skipping canary run as object is paused'],
    },
    {
      name: 'resumes and runs the step at once on a resume request',
      state: withControl(progressing(20, { paused: true }), 'resume'),
      facts: at(20),
      decision: 'advance',
      messages: ['Runtime control resume requested by cli:alice', 'Advance podinfo.test canary weight 30'],
      then: (d) => expect(d.next.paused).toBe(false),
    },
    {
      name: 'keeps other requests pending while paused',
      state: withControl(progressing(20, { paused: true }), 'abort'),
      facts: at(20),
      decision: 'paused',
      then: (d) => expect(d.next.controls.map((c) => c.action)).toEqual(['abort']),
    },
  ])('$name', (row) => {
    check(row);
  });
});

describe('runtime controls', () => {
  it.each<Case>([
    {
      name: 'abort rolls a run back now',
      state: withControl(progressing(30), 'abort'),
      facts: at(30),
      phase: 'Failed',
      decision: 'rollback',
      messages: ['Runtime control abort requested by cli:alice', 'Rolling back podinfo.test aborted by cli:alice', 'Canary failed! Scaling down podinfo.test'],
      then: (d) => {
        expect(alertsOf(d)).toEqual(['error: Rolling back podinfo.test aborted by cli:alice']);
        expect(routesSet(d)).toEqual([{ primary: 100, canary: 0, mirrored: false }]);
        expect(d.asked).toEqual([]);
        expect(d.next.controls).toEqual([]);
      },
    },
    {
      name: 'abort in Waiting fails the pending revision',
      canary: canary({ webhooks: [GATE] }),
      state: withControl(state('Waiting', { lastAppliedSpec: 'rev-1' }), 'abort'),
      phase: 'Failed',
      then: (d) => {
        expect(d.next.lastAppliedSpec).toBe('rev-2');
        expect(d.called).toEqual([]);
      },
    },
    {
      name: 'abort during a promotion keeps the canary serving and restores the primary',
      state: withControl(state('Promoting', { canaryWeight: 50, promotingSince: '2026-01-01T00:59:00Z' }), 'abort'),
      facts: at(50),
      phase: 'Failed',
      types: ['reconcileRouter', 'recordEvent', 'setRoutes', 'recordEvent', 'notify', 'recordEvent', 'restorePrimary'],
      then: (d) => {
        expect(routesSet(d)).toEqual([{ primary: 0, canary: 100, mirrored: false }]);
        expect(d.next.promotionFailure?.mode).toBe('restore');
      },
    },
    {
      name: 'abort stays pending while the primary is not ready',
      state: withControl(progressing(30), 'abort'),
      facts: facts({ routes: routes(70, 30), primary: workload({ readiness: { kind: 'wait', reason: 'primary not ready' } }) }),
      phase: 'Progressing',
      then: (d) => expect(d.next.controls.map((c) => c.action)).toEqual(['abort']),
    },
    {
      name: 'promote skips the remaining analysis',
      state: withControl(progressing(20), 'promote'),
      facts: at(20),
      phase: 'Promoting',
      messages: [
        'Runtime control promote requested by cli:alice',
        'Promotion of podinfo.test requested by cli:alice, skipping the remaining analysis',
        'Copying podinfo.test template spec to podinfo-primary.test',
      ],
      then: (d) => expect(d.asked).toEqual([]),
    },
    {
      name: 'promote in Waiting approves the rollout and stays pending for the run',
      canary: canary({ webhooks: [GATE] }),
      state: withControl(state('Waiting', { lastAppliedSpec: 'rev-1' }), 'promote'),
      phase: 'Progressing',
      then: (d) => {
        expect(d.called).toEqual([]);
        expect(d.next.controls.map((c) => c.action)).toEqual(['promote']);
      },
    },
    {
      name: 'retry re-runs a failed revision without a template change',
      state: withControl(state('Failed', { lastAppliedSpec: 'rev-2' }), 'retry'),
      phase: 'Progressing',
      messages: [
        'Runtime control retry requested by cli:alice',
        'Retrying the failed revision of podinfo.test as requested by cli:alice',
        'New revision detected! Scaling up podinfo.test',
      ],
      then: (d) => expect(d.next.controls).toEqual([]),
    },
    {
      name: 'retry waits for a ready primary',
      state: withControl(state('Failed', { lastAppliedSpec: 'rev-2' }), 'retry'),
      facts: facts({ primary: workload({ readiness: { kind: 'wait', reason: 'primary not ready' } }) }),
      phase: 'Failed',
      then: (d) => expect(d.next.controls.map((c) => c.action)).toEqual(['retry']),
    },
    {
      name: 'a control that cannot apply in the phase is dropped with an event',
      state: withControl(state('Succeeded'), 'retry'),
      facts: facts({ target: { templateHash: 'rev-1' } }),
      decision: 'idle',
      messages: ['Runtime control retry ignored in phase Succeeded'],
      then: (d) => expect(d.next.controls).toEqual([]),
    },
  ])('$name', (row) => {
    check(row);
  });
});
