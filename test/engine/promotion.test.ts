import { describe, expect, it } from 'vitest';
import { ago, alertsOf, canary, check, facts, routes, routesSet, state, template, workload } from './fixtures.ts';
import type { Case } from './fixtures.ts';

const HOLD = { 'fledge.dev/promotion-failure': 'hold' };
const NOTIFY = { name: 'notify', type: 'post-rollout' as const, url: 'http://tester/notify' };
const promoting = (patch = {}) => state('Promoting', { canaryWeight: 50, promotingSince: ago(60), promotingTemplate: template('rev-2') as never, ...patch });
const rolling = (patch = {}) =>
  workload({ readiness: { kind: 'wait', reason: 'podinfo-primary.test not ready: waiting for rollout to finish: 1 of 2 (readyThreshold 100%) updated replicas are available' }, ...patch });
const half = facts({ routes: routes(50, 50) });

describe('promotion', () => {
  it.each<Case>([
    {
      name: 'routes all traffic back to the primary once it is ready, then Finalising',
      state: promoting(),
      facts: half,
      phase: 'Finalising',
      types: ['reconcileRouter', 'recordEvent', 'setRoutes'],
      messages: ['Routing all traffic to primary'],
      then: (d) => {
        expect(routesSet(d)).toEqual([{ primary: 100, canary: 0, mirrored: false }]);
        expect(d.next.canaryWeight).toBe(0);
      },
    },
    {
      name: 'waits in Promoting while the primary rolls out, the canary keeping its traffic',
      state: promoting(),
      facts: facts({ routes: routes(50, 50), primary: rolling() }),
      phase: 'Promoting',
      decision: 'wait',
      types: ['reconcileRouter', 'recordEvent'],
      messages: ['podinfo-primary.test not ready: waiting for rollout to finish: 1 of 2 (readyThreshold 100%) updated replicas are available'],
    },
    {
      name: 'shifts traffic back by stepWeightPromotion per step',
      canary: canary({ stepWeightPromotion: 20 }),
      state: promoting(),
      facts: half,
      phase: 'Promoting',
      messages: ['Advance podinfo.test primary weight 70'],
      then: (d) => {
        expect(routesSet(d)).toEqual([{ primary: 70, canary: 30, mirrored: false }]);
        expect(d.next.canaryWeight).toBe(30);
      },
    },
    {
      name: 'finalises when stepWeightPromotion brings the primary to 100',
      canary: canary({ stepWeightPromotion: 20 }),
      state: promoting({ canaryWeight: 10 }),
      facts: facts({ routes: routes(90, 10) }),
      phase: 'Finalising',
      messages: ['Advance podinfo.test primary weight 100'],
    },
    {
      name: 'finalises at once with stepWeightPromotion when the canary carries nothing',
      canary: canary({ stepWeightPromotion: 20 }),
      state: promoting({ canaryWeight: 0 }),
      phase: 'Finalising',
    },
    {
      name: 'scales the canary down once the primary is ready, Succeeded, post-rollout hooks, alert',
      canary: canary({ webhooks: [NOTIFY] }),
      state: state('Finalising', { promotingSince: ago(120), promotingTemplate: template('rev-2') as never }),
      phase: 'Succeeded',
      decision: 'succeed',
      types: ['reconcileRouter', 'scaleCanaryToZero', 'runHooks', 'recordEvent', 'notify'],
      messages: ['Promotion completed! Scaling down podinfo.test'],
      then: (d) => {
        expect(alertsOf(d)).toEqual(['info: Canary analysis completed successfully, promotion finished.']);
        const hooks = d.effects.find((e) => e.type === 'runHooks');
        expect(hooks?.type === 'runHooks' && hooks.calls.map((c) => c.payload.phase)).toEqual(['Succeeded']);
        expect(d.next).toMatchObject({ lastPromotedSpec: 'rev-2', lastPromotedTemplate: template('rev-2'), lastPromotedConfigs: {} });
        expect(d.next.promotingTemplate).toBeUndefined();
        expect(d.next.promotingSince).toBeUndefined();
        expect(d.active).toBe(false);
      },
    },
    {
      name: 'never scales the canary down while the primary is not ready in Finalising',
      state: state('Finalising', { promotingSince: ago(120) }),
      facts: facts({ primary: rolling() }),
      phase: 'Finalising',
      types: ['reconcileRouter', 'recordEvent'],
    },
  ])('$name', (row) => {
    check(row);
  });
});

describe('the promotion deadline counts from the last progress, as Kubernetes counts it', () => {
  const three = (updatedAvailable: number) =>
    facts({
      routes: routes(50, 50),
      primary: rolling({
        replicas: 3,
        availableReplicas: 3,
        expected: { kind: 'pending', reason: `${updatedAvailable + 1} of 3 replicas updated` },
        progress: { updatedAvailable, desired: 3 },
      }),
    });
  it.each<Case>([
    {
      name: 'keeps waiting for a slow primary that is still making progress past progressDeadlineSeconds',
      state: promoting({ promotingSince: ago(700), primaryProgressCount: 1, primaryProgressAt: ago(120) }),
      facts: three(2),
      phase: 'Promoting',
      decision: 'wait',
      then: (d) => expect(d.next).toMatchObject({ primaryProgressCount: 2, primaryProgressAt: '2026-01-01T01:00:00Z' }),
    },
    {
      name: 'counts the first progress seen after the deadline as progress',
      state: promoting({ promotingSince: ago(600) }),
      facts: three(1),
      phase: 'Promoting',
      decision: 'wait',
      then: (d) => expect(d.next).toMatchObject({ primaryProgressCount: 1, primaryProgressAt: '2026-01-01T01:00:00Z' }),
    },
    {
      name: 'keeps waiting when the last progress is just under progressDeadlineSeconds old',
      state: promoting({ promotingSince: ago(900), primaryProgressCount: 1, primaryProgressAt: ago(599) }),
      facts: three(1),
      phase: 'Promoting',
      decision: 'wait',
      then: (d) => expect(d.next).toMatchObject({ primaryProgressCount: 1, primaryProgressAt: ago(599) }),
    },
    {
      name: 'fails a primary that stalled after partial progress, progressDeadlineSeconds after its last progress',
      state: promoting({ promotingSince: ago(900), primaryProgressCount: 1, primaryProgressAt: ago(600) }),
      facts: three(1),
      phase: 'Failed',
      decision: 'promotionFailed',
      messages: [
        'Promotion failed, primary not ready: podinfo-primary.test not ready 900s after promotion, no progress for 600s since 1 of 3 updated replicas became available (progressDeadlineSeconds): 2 of 3 replicas updated',
        'Restoring podinfo-primary.test to the last promoted revision',
      ],
      then: (d) => expect(d.next.primaryProgressCount).toBeUndefined(),
    },
    {
      name: 'keeps the most replicas seen available when some are lost again',
      state: promoting({ promotingSince: ago(900), primaryProgressCount: 2, primaryProgressAt: ago(300) }),
      facts: three(1),
      phase: 'Promoting',
      decision: 'wait',
      then: (d) => expect(d.next).toMatchObject({ primaryProgressCount: 2, primaryProgressAt: ago(300) }),
    },
    {
      name: 'does not count replicas lost and available again (a crash loop) as progress',
      state: promoting({ promotingSince: ago(900), primaryProgressCount: 2, primaryProgressAt: ago(600) }),
      facts: three(2),
      phase: 'Failed',
      decision: 'promotionFailed',
    },
    {
      name: 'fails a primary that never makes progress progressDeadlineSeconds after the promotion, as before',
      state: promoting({ promotingSince: ago(600) }),
      facts: three(0),
      phase: 'Failed',
      decision: 'promotionFailed',
      messages: [
        'Promotion failed, primary not ready: podinfo-primary.test not ready 600s after promotion (progressDeadlineSeconds): 1 of 3 replicas updated',
        'Restoring podinfo-primary.test to the last promoted revision',
      ],
    },
    {
      name: 'forgets the progress of a promotion once it succeeds',
      state: state('Finalising', { promotingSince: ago(300), primaryProgressCount: 2, primaryProgressAt: ago(60) }),
      phase: 'Succeeded',
      then: (d) => expect(d.next).not.toHaveProperty('primaryProgressAt'),
    },
  ])('$name', (row) => {
    check(row);
  });
});

describe('promotion failure (seeds 000 and 001)', () => {
  it.each<Case>([
    {
      name: 'moves all traffic to the canary at once when the primary has no ready replica (Recreate)',
      state: promoting(),
      facts: facts({ routes: routes(50, 50), primary: rolling({ availableReplicas: 0 }) }),
      phase: 'Promoting',
      decision: 'protect',
      types: ['reconcileRouter', 'recordEvent', 'setRoutes'],
      messages: ['Primary podinfo-primary.test has no ready replica, routing all traffic to the canary'],
      then: (d) => {
        expect(routesSet(d)).toEqual([{ primary: 0, canary: 100, mirrored: false }]);
        expect(d.next.canaryWeight).toBe(100);
      },
    },
    {
      name: 'goes back to Promoting when the primary loses every replica in Finalising',
      state: state('Finalising', { promotingSince: ago(120) }),
      facts: facts({ primary: rolling({ availableReplicas: 0 }) }),
      phase: 'Promoting',
      types: ['reconcileRouter', 'recordEvent', 'setRoutes'],
    },
    {
      name: 'returns traffic to the primary once it is ready after protecting it',
      state: promoting({ canaryWeight: 100 }),
      facts: facts({ routes: routes(0, 100) }),
      phase: 'Finalising',
      messages: ['Routing all traffic to primary'],
    },
    {
      name: 'fails the promotion when the primary misses progressDeadlineSeconds after promotion, whatever its conditions say',
      state: promoting({ promotingSince: ago(600) }),
      facts: facts({ routes: routes(50, 50), primary: rolling({ expected: { kind: 'pending', reason: '1 of 2 updated replicas are available' } }) }),
      phase: 'Failed',
      decision: 'promotionFailed',
      types: ['reconcileRouter', 'setRoutes', 'recordEvent', 'notify', 'recordEvent', 'restorePrimary'],
      messages: [
        'Promotion failed, primary not ready: podinfo-primary.test not ready 600s after promotion (progressDeadlineSeconds): 1 of 2 updated replicas are available',
        'Restoring podinfo-primary.test to the last promoted revision',
      ],
      then: (d) => {
        expect(routesSet(d)).toEqual([{ primary: 0, canary: 100, mirrored: false }]);
        expect(alertsOf(d)).toEqual([
          'error: Promotion failed, primary not ready: podinfo-primary.test not ready 600s after promotion (progressDeadlineSeconds): 1 of 2 updated replicas are available',
        ]);
        expect(d.effects.find((e) => e.type === 'restorePrimary')).toMatchObject({ template: template('rev-1') });
        expect(d.next).toMatchObject({ canaryWeight: 100, lastPromotedSpec: 'rev-1', lastAppliedSpec: 'rev-2', promotionFailure: { mode: 'restore', at: '2026-01-01T01:00:00Z' } });
        expect(d.next.promotingTemplate).toBeUndefined();
        expect(d.next.conditions[0]).toMatchObject({ status: 'False', reason: 'Failed', message: 'Promotion failed, primary not ready: traffic routed to the canary.' });
        expect(d.active).toBe(true);
      },
    },
    {
      name: 'restores the primary with the configs of the promotion being restored, not the ones that failed',
      state: promoting({ promotingSince: ago(600), trackedConfigs: { 'configmap/podinfo-config': 'c2' }, lastPromotedConfigs: { 'configmap/podinfo-config': 'c1' } }),
      facts: facts({ routes: routes(50, 50), primary: rolling(), trackedConfigs: { 'configmap/podinfo-config': 'c2' } }),
      phase: 'Failed',
      then: (d) => {
        expect(d.effects.find((e) => e.type === 'restorePrimary')).toMatchObject({ template: template('rev-1'), trackedConfigs: { 'configmap/podinfo-config': 'c1' } });
      },
    },
    {
      name: "fails the promotion when the primary's own progress deadline is exceeded",
      canary: canary({ webhooks: [NOTIFY] }),
      state: promoting(),
      facts: facts({ routes: routes(50, 50), primary: workload({ readiness: { kind: 'failed', reason: 'deployment "podinfo-primary" exceeded its progress deadline' } }) }),
      phase: 'Failed',
      types: ['reconcileRouter', 'setRoutes', 'recordEvent', 'notify', 'recordEvent', 'restorePrimary', 'runHooks'],
    },
    {
      name: 'fails a promotion stuck in Finalising too, routing traffic to the still-running canary',
      state: state('Finalising', { promotingSince: ago(900) }),
      facts: facts({ primary: rolling() }),
      phase: 'Failed',
      then: (d) => {
        expect(routesSet(d)).toEqual([{ primary: 0, canary: 100, mirrored: false }]);
        expect(d.types).not.toContain('scaleCanaryToZero');
      },
    },
    {
      name: "keeps Flagger's behaviour with fledge.dev/promotion-failure: hold: traffic stays on the canary, canaryWeight 100",
      canary: canary({}, {}, HOLD),
      state: promoting({ promotingSince: ago(600) }),
      facts: facts({ routes: routes(50, 50), primary: rolling() }),
      phase: 'Failed',
      types: ['reconcileRouter', 'setRoutes', 'recordEvent', 'notify'],
      then: (d) => {
        expect(d.next).toMatchObject({ canaryWeight: 100, promotionFailure: { mode: 'hold' } });
        expect(d.active).toBe(false);
      },
    },
    {
      name: 'holds when no promoted template was kept to restore',
      state: promoting({ promotingSince: ago(600), lastPromotedTemplate: undefined }),
      facts: facts({ routes: routes(50, 50), primary: rolling() }),
      phase: 'Failed',
      then: (d) => {
        expect(d.messages).toContain('No promoted template is kept for podinfo-primary.test, traffic stays on the canary');
        expect(d.next.promotionFailure?.mode).toBe('hold');
        expect(d.types).not.toContain('restorePrimary');
      },
    },
  ])('$name', (row) => {
    check(row);
  });
});

describe('after a failed promotion', () => {
  const restoring = (patch = {}) =>
    state('Failed', { lastAppliedSpec: 'rev-2', canaryWeight: 100, promotionFailure: { mode: 'restore', at: ago(120), reason: 'primary not ready' }, ...patch });
  const holding = state('Failed', { lastAppliedSpec: 'rev-2', canaryWeight: 100, promotionFailure: { mode: 'hold', at: ago(120), reason: 'primary not ready' } });
  const onCanary = (primary = workload()) => facts({ routes: routes(0, 100), primary });
  it.each<Case>([
    {
      name: 'keeps traffic on the canary while the restored primary comes up',
      state: restoring(),
      facts: onCanary(rolling()),
      phase: 'Failed',
      decision: 'wait',
      types: ['reconcileRouter', 'recordEvent'],
    },
    {
      name: 'routes traffic back once the restored primary is ready, leaving the canary scale-down to a later step',
      state: restoring(),
      facts: onCanary(),
      phase: 'Failed',
      decision: 'restored',
      types: ['reconcileRouter', 'setRoutes', 'recordEvent', 'notify'],
      messages: ['Primary restored to the last promoted revision'],
      then: (d) => {
        expect(routesSet(d)).toEqual([{ primary: 100, canary: 0, mirrored: false }]);
        expect(alertsOf(d)).toEqual(['info: Primary restored to the last promoted revision']);
        expect(d.next.canaryWeight).toBe(0);
        expect(d.next.promotionFailure).toBeUndefined();
        expect(d.next.canaryScaleDownPending).toBe(true);
        expect(d.active).toBe(true);
      },
    },
    {
      name: 'alerts once when the restored primary misses its own deadline',
      state: restoring({ promotionFailure: { mode: 'restore', at: ago(600), reason: 'x' } }),
      facts: onCanary(rolling()),
      phase: 'Failed',
      then: (d) => {
        expect(alertsOf(d)).toHaveLength(1);
        expect(alertsOf(d)[0]).toMatch(/^error: Primary podinfo-primary\.test restore did not complete in time, traffic stays on the canary: /);
        expect(d.next.promotionFailure?.restoreOverdueAlerted).toBe(true);
      },
    },
    {
      name: 'does not repeat the overdue alert',
      state: restoring({ promotionFailure: { mode: 'restore', at: ago(900), reason: 'x', restoreOverdueAlerted: true } }),
      facts: onCanary(rolling()),
      then: (d) => expect(alertsOf(d)).toEqual([]),
    },
    {
      name: 'does nothing while holding',
      canary: canary({}, {}, HOLD),
      state: holding,
      facts: facts({ target: { templateHash: 'rev-2' }, routes: routes(0, 100), primary: rolling() }),
      decision: 'idle',
      types: ['reconcileRouter'],
    },
    {
      name: 'starts the restore when the hold annotation is lifted',
      state: holding,
      facts: onCanary(rolling()),
      decision: 'restore',
      types: ['reconcileRouter', 'recordEvent', 'restorePrimary'],
      then: (d) => expect(d.next.promotionFailure).toMatchObject({ mode: 'restore', at: '2026-01-01T01:00:00Z' }),
    },
    {
      name: 'makes a new revision wait for a ready primary while holding, never routing to the broken primary',
      canary: canary({}, {}, HOLD),
      state: holding,
      facts: facts({ target: { templateHash: 'rev-3' }, routes: routes(0, 100), primary: rolling() }),
      phase: 'Failed',
      types: ['reconcileRouter', 'recordEvent'],
      then: (d) => expect(d.next.pendingRevision?.spec).toBe('rev-3'),
    },
    {
      name: 'routes traffic back to a ready primary before the next run starts',
      canary: canary({}, {}, HOLD),
      state: holding,
      facts: facts({ target: { templateHash: 'rev-3' }, routes: routes(0, 100) }),
      phase: 'Progressing',
      types: ['reconcileRouter', 'setRoutes', 'recordEvent', 'notify', 'scaleCanary'],
      then: (d) => {
        expect(routesSet(d)).toEqual([{ primary: 100, canary: 0, mirrored: false }]);
        expect(d.next.canaryWeight).toBe(0);
        expect(d.next.promotionFailure).toBeUndefined();
      },
    },
    {
      name: 'does not rerun the failed revision once restored',
      state: state('Failed', { lastAppliedSpec: 'rev-2' }),
      decision: 'idle',
    },
  ])('$name', (row) => {
    check(row);
  });
});
