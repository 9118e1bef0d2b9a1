import { describe, expect, it } from 'vitest';
import { revisionChecksum } from '../../shared/engine/index.ts';
import { ago, alertsOf, canary, check, facts, routes, state, template, tick, workload } from './fixtures.ts';
import type { Case } from './fixtures.ts';

const GATE = { name: 'gate', type: 'confirm-rollout' as const, url: 'http://tester/gate/check' };
const ROLLBACK = { name: 'rb', type: 'rollback' as const, url: 'http://tester/rollback/check' };
const missingPrimary = workload({ exists: false, readiness: { kind: 'wait', reason: 'deployment podinfo-primary.test not found' }, replicas: 0, availableReplicas: 0 });

describe('initialization', () => {
  it.each<Case>([
    {
      name: 'creates the primary on the first step of a canary the store has never seen',
      state: 'new',
      facts: facts({ target: { templateHash: 'rev-1' }, primary: missingPrimary }),
      phase: 'Initializing',
      decision: 'initialize',
      types: ['initialize'],
      messages: [],
      then: (d) => {
        expect(d.phaseBefore).toBeUndefined();
        expect(d.active).toBe(true);
      },
    },
    {
      name: 'remembers the revision it builds the primary from',
      state: 'new',
      facts: facts({ target: { templateHash: 'rev-1', template: template('rev-1') }, trackedConfigs: { 'configmap/podinfo-config': 'c1' }, primary: missingPrimary }),
      phase: 'Initializing',
      types: ['initialize'],
      then: (d) => {
        expect(d.next).toMatchObject({ lastPromotedSpec: 'rev-1', lastPromotedConfigs: { 'configmap/podinfo-config': 'c1' }, lastPromotedTemplate: template('rev-1') });
        expect(d.next.lastAppliedSpec).toBeUndefined();
      },
    },
    {
      name: 'completes initialization with the revision the primary was built from, so a release made meanwhile runs on the next step',
      state: state('Initializing', { lastAppliedSpec: undefined, lastPromotedConfigs: { 'configmap/podinfo-config': 'c1' } }),
      facts: facts({ target: { templateHash: 'rev-2', template: template('rev-2') }, trackedConfigs: { 'configmap/podinfo-config': 'c2' } }),
      phase: 'Initialized',
      decision: 'initialized',
      messages: ['Initialization done! podinfo.test'],
      then: (d) => {
        expect(d.next).toMatchObject({
          lastAppliedSpec: 'rev-1',
          lastPromotedSpec: 'rev-1',
          trackedConfigs: { 'configmap/podinfo-config': 'c1' },
          lastPromotedConfigs: { 'configmap/podinfo-config': 'c1' },
          lastPromotedTemplate: template('rev-1'),
          pendingRevision: { spec: 'rev-2', trackedConfigs: { 'configmap/podinfo-config': 'c2' }, detectedAt: '2026-01-01T01:00:00Z' },
        });
        expect(d.active).toBe(true);
        const next = tick(canary(), d.next, facts({ target: { templateHash: 'rev-2', template: template('rev-2') }, trackedConfigs: { 'configmap/podinfo-config': 'c2' } }));
        expect([next.next.phase, next.decision, next.next.lastAppliedSpec]).toEqual(['Progressing', 'start', 'rev-2']);
        expect(next.messages).toEqual(['New revision detected! Scaling up podinfo.test']);
      },
    },
    {
      name: 'waits for the primary to be ready before routing to it',
      state: state('Initializing'),
      facts: facts({ target: { templateHash: 'rev-1' }, primary: workload({ readiness: { kind: 'wait', reason: 'podinfo-primary.test not ready: waiting for rollout to finish' } }) }),
      phase: 'Initializing',
      types: ['initialize', 'recordEvent'],
      messages: ['podinfo-primary.test not ready: waiting for rollout to finish'],
    },
    {
      name: 'points the apex and the router at the ready primary, scales the target to zero and is Initialized',
      state: state('Initializing', { lastAppliedSpec: undefined, lastPromotedSpec: undefined, lastPromotedTemplate: undefined }),
      facts: facts({ target: { templateHash: 'rev-1', template: template('rev-1') }, trackedConfigs: { 'configmap/podinfo-config': 'c1' } }),
      phase: 'Initialized',
      decision: 'initialized',
      types: ['initialize', 'reconcileRouter', 'scaleCanaryToZero', 'recordEvent', 'notify'],
      messages: ['Initialization done! podinfo.test'],
      then: (d) => {
        expect(alertsOf(d)).toEqual(['info: New Deployment detected, initialization completed.']);
        const notify = d.effects.find((e) => e.type === 'notify');
        expect(notify?.type === 'notify' && notify.fields.map((f) => f.name)).toEqual([
          'Target',
          'Failed checks threshold',
          'Progress deadline',
          'Traffic routing',
        ]);
        expect(d.next).toMatchObject({
          lastAppliedSpec: 'rev-1',
          lastPromotedSpec: 'rev-1',
          trackedConfigs: { 'configmap/podinfo-config': 'c1' },
          lastPromotedConfigs: { 'configmap/podinfo-config': 'c1' },
          lastPromotedTemplate: template('rev-1'),
          canaryWeight: 0,
        });
        expect(d.next.conditions).toEqual([
          { type: 'Promoted', status: 'True', reason: 'Initialized', message: 'Deployment initialization completed.', lastUpdateTime: '2026-01-01T01:00:00Z', lastTransitionTime: '2026-01-01T01:00:00Z' },
        ]);
        expect(d.active).toBe(false);
      },
    },
    {
      name: 'records a missing target and does nothing else',
      state: 'new',
      facts: facts({ target: { exists: false, templateHash: '' }, primary: missingPrimary }),
      phase: 'Initializing',
      types: ['recordEvent'],
      messages: ['Deployment podinfo.test not found'],
    },
  ])('$name', (row) => {
    check(row);
  });
});

describe('new revisions', () => {
  it.each<Case>([
    {
      name: 'does nothing when the target runs the last applied revision',
      state: state('Succeeded'),
      facts: facts({ target: { templateHash: 'rev-1' } }),
      phase: 'Succeeded',
      decision: 'idle',
      types: ['reconcileRouter'],
      messages: [],
      then: (d) => expect(d.active).toBe(false),
    },
    {
      name: 'scales the canary up for a new revision and enters Progressing, marking the revision applied',
      state: state('Succeeded'),
      phase: 'Progressing',
      decision: 'start',
      types: ['reconcileRouter', 'recordEvent', 'notify', 'scaleCanary'],
      messages: ['New revision detected! Scaling up podinfo.test'],
      then: (d) => {
        expect(alertsOf(d)).toEqual(['info: New revision detected, progressing canary analysis.']);
        expect(d.effects.find((e) => e.type === 'scaleCanary')).toMatchObject({ replicas: 2 });
        expect(d.next).toMatchObject({ lastAppliedSpec: 'rev-2', canaryWeight: 0, failedChecks: 0, iterations: 0, progressingSince: '2026-01-01T01:00:00Z', idlePhase: 'Succeeded' });
        expect(d.next.pendingRevision).toBeUndefined();
        expect(d.active).toBe(true);
      },
    },
    {
      name: 'starts a run when a tracked ConfigMap changes',
      state: state('Succeeded', { trackedConfigs: { 'configmap/podinfo-config': 'c1' }, lastPromotedConfigs: { 'configmap/podinfo-config': 'c1' } }),
      facts: facts({ target: { templateHash: 'rev-1' }, trackedConfigs: { 'configmap/podinfo-config': 'c2' } }),
      phase: 'Progressing',
      then: (d) => expect(d.next.trackedConfigs).toEqual({ 'configmap/podinfo-config': 'c2' }),
    },
    {
      name: 'never starts a run when the target goes back to the promoted spec',
      state: state('Failed', { lastAppliedSpec: 'rev-2' }),
      facts: facts({ target: { templateHash: 'rev-1' } }),
      phase: 'Failed',
      decision: 'idle',
    },
    {
      name: 'does not rerun a failed revision on its own',
      state: state('Failed', { lastAppliedSpec: 'rev-2' }),
      phase: 'Failed',
      decision: 'idle',
    },
    {
      name: 'waits for a ready primary before starting a new revision, keeping it pending',
      state: state('Succeeded'),
      facts: facts({ primary: workload({ readiness: { kind: 'wait', reason: 'podinfo-primary.test not ready: 1 old replicas are pending termination' } }) }),
      phase: 'Succeeded',
      decision: 'wait',
      types: ['reconcileRouter', 'recordEvent'],
      messages: ['Halt podinfo.test advancement, the new revision waits for a ready primary: podinfo-primary.test not ready: 1 old replicas are pending termination'],
      then: (d) => {
        expect(d.next.pendingRevision).toEqual({ spec: 'rev-2', trackedConfigs: {}, detectedAt: '2026-01-01T01:00:00Z' });
        expect(d.next.lastAppliedSpec).toBe('rev-1');
        expect(d.active).toBe(true);
      },
    },
  ])('$name', (row) => {
    check(row);
  });

  it.each([
    { name: "the target's replicas", target: 3, primary: 4, hpa: 5, expected: 3 },
    { name: "the primary's replicas when the target has none", target: 0, primary: 4, hpa: 5, expected: 4 },
    { name: "the autoscaler's minimum when neither has replicas", target: 0, primary: 0, hpa: 5, expected: 5 },
    { name: 'one replica when nothing else is known', target: 0, primary: 0, hpa: undefined, expected: 1 },
  ])('scales the canary up to $name', ({ target, primary, hpa, expected }) => {
    const f = facts({ target: { replicas: target }, primary: workload({ replicas: primary }), ...(hpa ? { autoscalerMinReplicas: hpa } : {}) });
    const d = check({ name: '', state: state('Initialized'), facts: f });
    expect(d.effects.find((e) => e.type === 'scaleCanary')).toMatchObject({ replicas: expected });
  });
});

describe('confirm-rollout gates and Waiting', () => {
  const gated = canary({ webhooks: [GATE] });
  it.each<Case>([
    {
      name: 'holds a new revision in Waiting while a confirm-rollout gate is closed, the canary staying at zero',
      canary: gated,
      state: state('Succeeded'),
      answers: { hooks: { gate: 'pending' } },
      phase: 'Waiting',
      decision: 'wait',
      types: ['reconcileRouter', 'recordEvent', 'notify'],
      messages: ['Halt podinfo.test advancement waiting for approval gate'],
      then: (d) => {
        expect(alertsOf(d)).toEqual(['warn: Halt podinfo.test advancement waiting for approval gate']);
        expect(d.next.lastAppliedSpec).toBe('rev-1');
        expect(d.next.pendingRevision?.spec).toBe('rev-2');
        expect(d.next.idlePhase).toBe('Succeeded');
        expect(d.webhooks).toEqual([{ name: 'gate', type: 'confirm-rollout', outcome: 'pending', statusCode: 403, detail: 'gate closed' }]);
      },
    },
    {
      name: 'sends no alert for a closed gate with muteAlert',
      canary: canary({ webhooks: [{ ...GATE, muteAlert: true }] }),
      state: state('Succeeded'),
      answers: { hooks: { gate: 'pending' } },
      then: (d) => expect(alertsOf(d)).toEqual([]),
    },
    {
      name: 'stays in Waiting without repeating the halt event',
      canary: gated,
      state: state('Waiting', { lastAppliedSpec: 'rev-1', pendingRevision: { spec: 'rev-2', trackedConfigs: {}, detectedAt: ago(60) }, idlePhase: 'Succeeded' }),
      answers: { hooks: { gate: 'pending' } },
      phase: 'Waiting',
      types: ['reconcileRouter'],
      then: (d) => expect(d.next.pendingRevision?.detectedAt).toBe(ago(60)),
    },
    {
      name: 'starts the run once the gate opens',
      canary: gated,
      state: state('Waiting', { lastAppliedSpec: 'rev-1', idlePhase: 'Succeeded' }),
      phase: 'Progressing',
      messages: ['Confirm-rollout check gate passed', 'New revision detected! Scaling up podinfo.test'],
      then: (d) => expect(d.next.idlePhase).toBe('Succeeded'),
    },
    {
      name: 'runs rollback hooks in Waiting and fails the pending revision',
      canary: canary({ webhooks: [GATE, ROLLBACK] }),
      state: state('Waiting', { lastAppliedSpec: 'rev-1' }),
      answers: { hooks: { rb: 'pass' } },
      phase: 'Failed',
      messages: ['Rollback check rb passed', 'Rolling back podinfo.test manual webhook invoked', 'Canary failed! Scaling down podinfo.test'],
      then: (d) => {
        expect(d.called).toEqual(['rb']);
        expect(d.next.lastAppliedSpec).toBe('rev-2');
        expect(alertsOf(d)).toEqual(['warn: Rolling back manual webhook invoked']);
      },
    },
    {
      name: 'asks the gate again after a rollback hook that does not signal',
      canary: canary({ webhooks: [GATE, ROLLBACK] }),
      state: state('Waiting', { lastAppliedSpec: 'rev-1' }),
      answers: { hooks: { rb: 'fail', gate: 'pending' } },
      phase: 'Waiting',
      messages: ['Rollback hook rb not signaling a rollback'],
      then: (d) => expect(d.called).toEqual(['rb', 'gate']),
    },
    {
      name: 'returns to the phase it came from when the pending revision is reverted',
      canary: gated,
      state: state('Waiting', { lastAppliedSpec: 'rev-1', idlePhase: 'Succeeded', pendingRevision: { spec: 'rev-2', trackedConfigs: {}, detectedAt: ago(60) } }),
      facts: facts({ target: { templateHash: 'rev-1' } }),
      phase: 'Succeeded',
      decision: 'cancel',
      messages: ['Pending revision of podinfo.test was reverted, no longer waiting for approval'],
      then: (d) => {
        expect(d.called).toEqual([]);
        expect(d.next.pendingRevision).toBeUndefined();
      },
    },
    {
      name: 'halts in Waiting while the primary is not ready, asking no gate',
      canary: gated,
      state: state('Waiting', { lastAppliedSpec: 'rev-1' }),
      facts: facts({ primary: workload({ readiness: { kind: 'wait', reason: 'podinfo-primary.test not ready' } }) }),
      phase: 'Waiting',
      messages: ['podinfo-primary.test not ready'],
      then: (d) => expect(d.called).toEqual([]),
    },
  ])('$name', (row) => {
    check(row);
  });

  it("asks the gate with the pending revision's checksum and the canary's current phase", () => {
    const d = check({ name: '', canary: gated, state: state('Succeeded'), answers: { hooks: { gate: 'pending' } } });
    const need = d.asked[0]?.[0];
    expect(need?.type === 'hook' && need.call).toEqual({
      name: 'gate',
      type: 'confirm-rollout',
      url: 'http://tester/gate/check',
      timeout: '10s',
      retries: 0,
      payload: { name: 'podinfo', namespace: 'test', phase: 'Succeeded', checksum: revisionChecksum('rev-2', {}) },
    });
    expect(revisionChecksum('rev-2', {})).not.toBe(revisionChecksum('rev-3', {}));
  });
});

describe('revision changes during a run', () => {
  it.each<Case>([
    {
      name: 'restarts the analysis when the revision changes mid-analysis: routes back to the primary, counters zeroed',
      state: state('Progressing', { canaryWeight: 20, failedChecks: 2, lastAppliedSpec: 'rev-2' }),
      facts: facts({ target: { templateHash: 'rev-3' }, routes: routes(80, 20) }),
      phase: 'Progressing',
      decision: 'restart',
      types: ['reconcileRouter', 'recordEvent', 'setRoutes'],
      messages: ['New revision detected! Restarting analysis for podinfo.test'],
      then: (d) => {
        expect(d.effects[2]).toMatchObject({ type: 'setRoutes', routes: { primary: 100, canary: 0, mirrored: false } });
        expect(d.next).toMatchObject({ canaryWeight: 0, failedChecks: 0, iterations: 0, lastAppliedSpec: 'rev-3', progressingSince: '2026-01-01T01:00:00Z' });
      },
    },
    {
      name: 'restarts from WaitingPromotion too',
      state: state('WaitingPromotion', { canaryWeight: 50 }),
      facts: facts({ target: { templateHash: 'rev-3' }, routes: routes(50, 50) }),
      phase: 'Progressing',
      decision: 'restart',
    },
    {
      name: 'cancels the run when the target goes back to the promoted spec mid-analysis',
      state: state('Progressing', { canaryWeight: 20 }),
      facts: facts({ target: { templateHash: 'rev-1' }, routes: routes(80, 20) }),
      phase: 'Initialized',
      decision: 'cancel',
      types: ['reconcileRouter', 'recordEvent', 'setRoutes', 'scaleCanaryToZero'],
      messages: ['Revision of podinfo.test reverted to the promoted spec, cancelling the analysis'],
      then: (d) => expect(d.next).toMatchObject({ lastAppliedSpec: 'rev-1', canaryWeight: 0 }),
    },
    {
      name: 'finishes a promotion in flight before looking at a newer revision',
      state: state('Promoting', { canaryWeight: 50, promotingSince: ago(60) }),
      facts: facts({ target: { templateHash: 'rev-3' }, routes: routes(50, 50) }),
      phase: 'Finalising',
      messages: ['Routing all traffic to primary'],
    },
  ])('$name', (row) => {
    check(row);
  });
});
