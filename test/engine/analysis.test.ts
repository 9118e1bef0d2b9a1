import { describe, expect, it } from 'vitest';
import type { CanaryMetric, CanaryWebhook } from '../../shared/api/types.ts';
import { ago, alertsOf, canary, check, facts, routes, state, workload } from './fixtures.ts';
import type { Case, MetricAnswer } from './fixtures.ts';

const hook = (name: string, type: CanaryWebhook['type']): CanaryWebhook => ({ name, type, url: `http://tester/${name}` });
const EVERY_HOOK: CanaryWebhook[] = [
  hook('notify', 'post-rollout'),
  hook('promotion-gate', 'confirm-promotion'),
  hook('traffic-gate', 'confirm-traffic-increase'),
  hook('smoke', 'pre-rollout'),
  hook('load', 'rollout'),
  hook('rb', 'rollback'),
  hook('start-gate', 'confirm-rollout'),
];
const progressing = (weight: number, patch = {}) => state('Progressing', { canaryWeight: weight, ...patch });
const at = (weight: number) => facts({ routes: routes(100 - weight, weight) });
const ERRORS: CanaryMetric = { name: 'error-rate', templateRef: { name: 'error-rate' }, thresholdRange: { max: 0.5 } };

describe('hooks in Flagger order', () => {
  it.each<Case & { called: string[] }>([
    {
      name: 'on the first step: rollback hooks, pre-rollout hooks, then the traffic gate and the first traffic step',
      canary: canary({ webhooks: EVERY_HOOK }),
      state: progressing(0),
      called: ['rb', 'smoke', 'traffic-gate'],
      messages: [
        'Rollback hook rb not signaling a rollback',
        'Starting canary analysis for podinfo.test',
        'Pre-rollout check smoke passed',
        'Confirm-traffic-increase check traffic-gate passed',
        'Advance podinfo.test canary weight 10',
      ],
      answers: { hooks: { rb: 'fail' } },
    },
    {
      name: 'on later steps: rollback hooks, rollout hooks, metrics, then the traffic gate',
      canary: canary({ webhooks: EVERY_HOOK }),
      state: progressing(10),
      facts: at(10),
      answers: { hooks: { rb: 'fail' } },
      called: ['rb', 'load', 'traffic-gate'],
      messages: ['Rollback hook rb not signaling a rollback', 'Confirm-traffic-increase check traffic-gate passed', 'Advance podinfo.test canary weight 20'],
    },
    {
      name: 'at maxWeight: the promotion gate instead of the traffic gate',
      canary: canary({ webhooks: EVERY_HOOK }),
      state: progressing(50),
      facts: at(50),
      answers: { hooks: { rb: 'fail' } },
      called: ['rb', 'load', 'promotion-gate'],
      phase: 'Promoting',
    },
  ])('calls $name', (row) => {
    const d = check(row);
    expect(d.called).toEqual(row.called);
  });

  it('asks for one webhook at a time so a hook after a failing one is never called', () => {
    const d = check({
      name: '',
      canary: canary({ webhooks: [hook('load-a', 'rollout'), hook('load-b', 'rollout')] }),
      state: progressing(10),
      facts: at(10),
      answers: { hooks: { 'load-a': 'fail' } },
      messages: ['Halt podinfo.test advancement external check load-a failed HTTP 500'],
    });
    expect(d.asked.map((needs) => needs.map((n) => n.type === 'hook' && n.call.name))).toEqual([['load-a']]);
    expect(d.next.failedChecks).toBe(1);
  });

  it('sends rollout and pre-rollout hooks the Progressing phase and the webhook metadata', () => {
    const d = check({
      name: '',
      canary: canary({ webhooks: [{ ...hook('load', 'rollout'), metadata: { cmd: 'hey -z 1m http://podinfo-canary.test:9898/' }, timeout: '15s', retries: 2 }] }),
      state: progressing(10),
      facts: at(10),
    });
    const need = d.asked[0]?.[0];
    expect(need?.type === 'hook' && need.call).toMatchObject({
      timeout: '15s',
      retries: 2,
      payload: { name: 'podinfo', namespace: 'test', phase: 'Progressing', metadata: { cmd: 'hey -z 1m http://podinfo-canary.test:9898/' } },
    });
  });

  it('treats an untyped webhook as a rollout hook', () => {
    const d = check({ name: '', canary: canary({ webhooks: [{ name: 'load', url: 'http://tester/' }] }), state: progressing(10), facts: at(10) });
    expect(d.called).toEqual(['load']);
  });
});

describe('analysis', () => {
  it.each<Case>([
    {
      name: 'starts the analysis with pre-rollout hooks and takes the first traffic step in the same step',
      canary: canary({ webhooks: [hook('smoke', 'pre-rollout')] }),
      state: progressing(0),
      decision: 'advance',
      messages: ['Starting canary analysis for podinfo.test', 'Pre-rollout check smoke passed', 'Advance podinfo.test canary weight 10'],
      then: (d) => {
        expect(d.asked.flat().some((n) => n.type === 'metric')).toBe(false);
        expect(d.next.canaryWeight).toBe(10);
      },
    },
    {
      name: 'counts a failed check when a pre-rollout hook fails and routes nothing',
      canary: canary({ webhooks: [hook('smoke', 'pre-rollout')] }),
      state: progressing(0),
      answers: { hooks: { smoke: 'fail' } },
      decision: 'halt',
      types: ['reconcileRouter', 'recordEvent', 'recordEvent'],
      messages: ['Starting canary analysis for podinfo.test', 'Halt podinfo.test advancement pre-rollout check smoke failed HTTP 500'],
      then: (d) => expect(d.next.failedChecks).toBe(1),
    },
    {
      name: 'counts one failed check for a failing metric and ends the step',
      state: progressing(20, { failedChecks: 1 }),
      facts: at(20),
      answers: { metrics: { 'request-success-rate': 53.42 } },
      decision: 'halt',
      types: ['reconcileRouter', 'recordEvent'],
      messages: ['Halt podinfo.test advancement success rate 53.42% < 99%'],
      then: (d) => expect(d.next).toMatchObject({ failedChecks: 2, canaryWeight: 20, phase: 'Progressing' }),
    },
    {
      name: 'rolls back on the step whose failure reaches the threshold',
      canary: canary({ webhooks: [hook('notify', 'post-rollout')] }),
      state: progressing(20, { failedChecks: 2 }),
      facts: at(20),
      answers: { metrics: { 'request-success-rate': 48.05 } },
      phase: 'Failed',
      decision: 'rollback',
      // The canary keeps its pods until a later step reads the routes back all-primary and applied.
      types: ['reconcileRouter', 'recordEvent', 'recordEvent', 'notify', 'setRoutes', 'recordEvent', 'runHooks'],
      messages: [
        'Halt podinfo.test advancement success rate 48.05% < 99%',
        'Rolling back podinfo.test failed checks threshold reached 3',
        'Canary failed! Scaling down podinfo.test',
      ],
      then: (d) => {
        expect(alertsOf(d)).toEqual(['error: Failed checks threshold reached 3']);
        expect(d.effects[4]).toMatchObject({ routes: { primary: 100, canary: 0, mirrored: false } });
        const hooks = d.effects.find((e) => e.type === 'runHooks');
        expect(hooks?.type === 'runHooks' && hooks.calls.map((c) => [c.name, c.payload.phase])).toEqual([['notify', 'Failed']]);
        expect(d.next).toMatchObject({ canaryWeight: 0, failedChecks: 3, canaryScaleDownPending: true });
        expect(d.next.progressingSince).toBeUndefined();
        // Failed, but a step is still due: the scale-down.
        expect(d.active).toBe(true);
      },
    },
    {
      name: 'rolls back at the start of a step when the failed checks already reached the threshold',
      state: progressing(20, { failedChecks: 3 }),
      facts: at(20),
      phase: 'Failed',
      messages: ['Rolling back podinfo.test failed checks threshold reached 3', 'Canary failed! Scaling down podinfo.test'],
      then: (d) => expect(d.asked).toEqual([]),
    },
    {
      name: 'rolls back when a rollback hook answers 2xx',
      canary: canary({ webhooks: [hook('rb', 'rollback')] }),
      state: progressing(30),
      facts: at(30),
      answers: { hooks: { rb: 'pass' } },
      phase: 'Failed',
      messages: ['Rollback check rb passed', 'Rolling back podinfo.test manual webhook invoked', 'Canary failed! Scaling down podinfo.test'],
      then: (d) => expect(alertsOf(d)).toEqual(['warn: Rolling back manual webhook invoked']),
    },
    {
      name: 'rolls back from WaitingPromotion when a rollback hook answers 2xx',
      canary: canary({ webhooks: [hook('rb', 'rollback'), hook('promotion-gate', 'confirm-promotion')] }),
      state: state('WaitingPromotion', { canaryWeight: 50 }),
      facts: at(50),
      answers: { hooks: { rb: 'pass' } },
      phase: 'Failed',
    },
    {
      name: 'waits while the primary is not ready, checking nothing else',
      state: progressing(20),
      facts: facts({ routes: routes(80, 20), primary: workload({ readiness: { kind: 'wait', reason: 'podinfo-primary.test not ready: waiting for rollout to finish' } }) }),
      decision: 'wait',
      messages: ['podinfo-primary.test not ready: waiting for rollout to finish'],
      then: (d) => expect(d.asked).toEqual([]),
    },
    {
      name: 'waits when the routes cannot be read back',
      state: progressing(20),
      facts: facts({ routes: { ok: false, reason: 'VirtualService podinfo.test not found' } }),
      decision: 'wait',
      messages: ['VirtualService podinfo.test not found'],
    },
  ])('$name', (row) => {
    check(row);
  });
});

describe('metric checks', () => {
  it('runs builtin metrics before template metrics, asking for all of them at once', () => {
    const d = check({ name: '', canary: canary({ metrics: [ERRORS, { name: 'request-success-rate', thresholdRange: { min: 99 } }] }), state: progressing(10), facts: at(10) });
    expect(d.asked.map((needs) => needs.map((n) => n.type === 'metric' && n.request.name))).toEqual([['request-success-rate', 'error-rate']]);
    const template = d.asked[0]?.[1];
    expect(template?.type === 'metric' && template.request).toEqual({
      name: 'error-rate',
      source: 'template',
      metric: { name: 'error-rate', templateRef: { name: 'error-rate', namespace: 'test' }, thresholdRange: { max: 0.5 }, interval: '1m' },
      model: { name: 'podinfo', namespace: 'test', target: 'podinfo', service: 'podinfo', ingress: 'podinfo', route: 'podinfo', interval: '1m', variables: {} },
    });
  });

  it('records every metric value with its threshold for history', () => {
    const d = check({
      name: '',
      canary: canary({ metrics: [{ name: 'request-success-rate', thresholdRange: { min: 99 } }, ERRORS] }),
      state: progressing(10),
      facts: at(10),
      answers: { metrics: { 'request-success-rate': 99.5, 'error-rate': 0.7 } },
    });
    expect(d.metrics).toEqual([
      { name: 'request-success-rate', value: 99.5, outcome: 'pass', thresholdRange: { min: 99 }, provider: 'prometheus' },
      { name: 'error-rate', value: 0.7, outcome: 'fail', thresholdRange: { max: 0.5 }, provider: 'prometheus' },
    ]);
  });

  it.each<{ name: string; metric: CanaryMetric; answer: MetricAnswer; halt: string }>([
    { name: 'success rate below its minimum', metric: { name: 'request-success-rate', thresholdRange: { min: 99 } }, answer: 53.4213, halt: 'Halt podinfo.test advancement success rate 53.42% < 99%' },
    { name: 'success rate below the legacy threshold', metric: { name: 'request-success-rate', threshold: 99 }, answer: 98, halt: 'Halt podinfo.test advancement success rate 98.00% < 99%' },
    { name: 'success rate above its maximum', metric: { name: 'request-success-rate', thresholdRange: { max: 50 } }, answer: 60, halt: 'Halt podinfo.test advancement success rate 60.00% > 50%' },
    { name: 'request duration above its maximum', metric: { name: 'request-duration', thresholdRange: { max: 500 } }, answer: 1200, halt: 'Halt podinfo.test advancement request duration 1.2s > 500ms' },
    { name: 'request duration above the legacy threshold', metric: { name: 'request-duration', threshold: 500 }, answer: 501.9, halt: 'Halt podinfo.test advancement request duration 501ms > 500ms' },
    { name: 'custom metric above its maximum', metric: ERRORS, answer: 1.2, halt: 'Halt podinfo.test advancement error-rate 1.20 > 0.5' },
    { name: 'custom metric below its minimum', metric: { ...ERRORS, thresholdRange: { min: 10 } }, answer: 2, halt: 'Halt podinfo.test advancement error-rate 2.00 < 10' },
    { name: 'no values for a builtin metric', metric: { name: 'request-success-rate', thresholdRange: { min: 99 } }, answer: 'nodata', halt: 'Halt advancement no values found for istio metric request-success-rate probably podinfo.test is not receiving traffic' },
    { name: 'no values for a template metric', metric: ERRORS, answer: 'nodata', halt: 'Halt advancement no values found for custom metric: error-rate: no values found' },
    { name: 'no values for an inline query', metric: { name: 'errors', query: 'sum(rate(x[1m]))', threshold: 1 }, answer: 'nodata', halt: 'Halt advancement no values found for metric: errors' },
    { name: 'a NaN success rate (no data, not a pass)', metric: { name: 'request-success-rate', thresholdRange: { min: 99 } }, answer: { kind: 'value', value: Number.NaN }, halt: 'Halt advancement no values found for istio metric request-success-rate probably podinfo.test is not receiving traffic' },
    { name: 'an infinite success rate (no data, not a pass)', metric: { name: 'request-success-rate', thresholdRange: { min: 99 } }, answer: { kind: 'value', value: Number.POSITIVE_INFINITY }, halt: 'Halt advancement no values found for istio metric request-success-rate probably podinfo.test is not receiving traffic' },
    { name: 'an infinite request duration (no data)', metric: { name: 'request-duration', thresholdRange: { max: 500 } }, answer: { kind: 'value', value: Number.NEGATIVE_INFINITY }, halt: 'Halt advancement no values found for istio metric request-duration probably podinfo.test is not receiving traffic' },
    { name: 'a NaN template metric (no data)', metric: ERRORS, answer: { kind: 'value', value: Number.NaN }, halt: 'Halt advancement no values found for custom metric: error-rate: the query returned NaN, not a number' },
    { name: 'a failed builtin query', metric: { name: 'request-duration', thresholdRange: { max: 500 } }, answer: 'error', halt: 'Prometheus query failed: connection refused' },
    { name: 'a failed template query', metric: ERRORS, answer: 'error', halt: 'Metric query failed for error-rate: connection refused' },
    { name: 'a failed inline query', metric: { name: 'errors', query: 'sum(x)', threshold: 1 }, answer: 'error', halt: 'Prometheus query failed for errors: connection refused' },
    { name: 'an ambiguous template query', metric: ERRORS, answer: { kind: 'multipleValues', count: 3 }, halt: 'Metric query failed for error-rate: query returned 3 values, expected one' },
  ])('halts the advancement on $name and counts a failed check', ({ metric, answer, halt }) => {
    const d = check({ name: '', canary: canary({ metrics: [metric] }), state: progressing(20), facts: at(20), answers: { metrics: { [metric.name]: answer } } });
    expect(d.messages).toEqual([halt]);
    expect(d.next.failedChecks).toBe(1);
    expect(d.types).not.toContain('setRoutes');
  });

  it('names the Service observer for builtin metrics of a Service target', () => {
    const d = check({
      name: '',
      canary: canary({}, { targetRef: { apiVersion: 'v1', kind: 'Service', name: 'podinfo' } }),
      state: progressing(20),
      facts: at(20),
      answers: { metrics: { 'request-success-rate': 'nodata' } },
    });
    expect(d.messages).toEqual(['Halt advancement no values found for istio:service metric request-success-rate probably podinfo.test is not receiving traffic']);
  });
});

describe('canary readiness and its hard deadline', () => {
  const notReady = (reason = 'canary deployment podinfo.test not ready: waiting for rollout to finish: 0 of 2 (readyThreshold 100%) updated replicas are available') =>
    facts({ target: { readiness: { kind: 'wait', reason }, availableReplicas: 0 } });
  const rollingCanary = (updatedAvailable: number) =>
    facts({ target: { readiness: { kind: 'wait', reason: 'canary deployment podinfo.test not ready' }, replicas: 3, availableReplicas: 3, progress: { updatedAvailable, desired: 3 } } });
  it.each<Case>([
    {
      name: 'waits while the canary is not ready, starting its clock',
      state: progressing(0, { canaryNotReadySince: undefined }),
      facts: notReady(),
      decision: 'wait',
      messages: ['canary deployment podinfo.test not ready: waiting for rollout to finish: 0 of 2 (readyThreshold 100%) updated replicas are available'],
      then: (d) => expect(d.next.canaryNotReadySince).toBe('2026-01-01T01:00:00Z'),
    },
    {
      name: 'rolls back a canary not ready for progressDeadlineSeconds, whatever its conditions say',
      state: progressing(0, { canaryNotReadySince: ago(600) }),
      facts: notReady('canary deployment podinfo.test not ready'),
      phase: 'Failed',
      messages: [
        'Rolling back podinfo.test progress deadline exceeded canary deployment podinfo.test not ready (not ready for 600s, progressDeadlineSeconds)',
        'Canary failed! Scaling down podinfo.test',
      ],
      then: (d) => expect(alertsOf(d)).toEqual(['error: Progress deadline exceeded canary deployment podinfo.test not ready (not ready for 600s, progressDeadlineSeconds)']),
    },
    {
      name: 'keeps waiting just before the deadline',
      canary: canary({}, { progressDeadlineSeconds: 120 }),
      state: progressing(0, { canaryNotReadySince: ago(119) }),
      facts: notReady(),
      phase: 'Progressing',
      decision: 'wait',
    },
    {
      name: 'rolls back when the Deployment reports its own progress deadline exceeded',
      state: progressing(10),
      facts: facts({ routes: routes(90, 10), target: { readiness: { kind: 'failed', reason: 'canary deployment podinfo.test not ready: deployment "podinfo" exceeded its progress deadline' } } }),
      phase: 'Failed',
      messages: [
        'Rolling back podinfo.test progress deadline exceeded canary deployment podinfo.test not ready: deployment "podinfo" exceeded its progress deadline',
        'Canary failed! Scaling down podinfo.test',
      ],
    },
    {
      name: 'keeps waiting for a canary still rolling out past progressDeadlineSeconds, its deadline counted from its last progress',
      state: progressing(0, { canaryNotReadySince: ago(600), canaryProgressCount: 1, canaryProgressAt: ago(120) }),
      facts: rollingCanary(2),
      phase: 'Progressing',
      decision: 'wait',
      then: (d) => expect(d.next).toMatchObject({ canaryProgressCount: 2, canaryProgressAt: '2026-01-01T01:00:00Z' }),
    },
    {
      name: 'rolls back a canary that stalled after partial progress, progressDeadlineSeconds after its last progress',
      state: progressing(0, { canaryNotReadySince: ago(900), canaryProgressCount: 1, canaryProgressAt: ago(600) }),
      facts: rollingCanary(1),
      phase: 'Failed',
      messages: [
        'Rolling back podinfo.test progress deadline exceeded canary deployment podinfo.test not ready (not ready for 900s, no progress for 600s since 1 of 3 updated replicas became available, progressDeadlineSeconds)',
        'Canary failed! Scaling down podinfo.test',
      ],
    },
    {
      name: 'rolls back a canary that never makes progress, as before',
      state: progressing(0, { canaryNotReadySince: ago(600) }),
      facts: rollingCanary(0),
      phase: 'Failed',
      messages: [
        'Rolling back podinfo.test progress deadline exceeded canary deployment podinfo.test not ready (not ready for 600s, progressDeadlineSeconds)',
        'Canary failed! Scaling down podinfo.test',
      ],
    },
    {
      name: 'clears the clock once the canary is ready',
      state: progressing(10, { canaryNotReadySince: ago(30) }),
      facts: at(10),
      then: (d) => expect(d.next.canaryNotReadySince).toBeUndefined(),
    },
    {
      name: 'forgets the progress of the wait once the canary is ready',
      state: progressing(10, { canaryNotReadySince: ago(30), canaryProgressCount: 1, canaryProgressAt: ago(20) }),
      facts: at(10),
      then: (d) => expect(d.next).not.toHaveProperty('canaryProgressAt'),
    },
  ])('$name', (row) => {
    check(row);
  });
});

describe('skipAnalysis', () => {
  const skip = canary({ webhooks: [hook('load', 'rollout'), hook('notify', 'post-rollout')] }, { skipAnalysis: true });
  it.each<Case>([
    {
      name: 'promotes at once when skipAnalysis is set: all traffic to the primary, copy, canary to zero, Succeeded',
      canary: skip,
      state: progressing(0),
      phase: 'Succeeded',
      decision: 'promote',
      types: ['reconcileRouter', 'setRoutes', 'recordEvent', 'promote', 'scaleCanaryToZero', 'recordEvent', 'notify'],
      messages: ['Copying podinfo.test template spec to podinfo-primary.test', 'Promotion completed! Canary analysis was skipped for podinfo.test'],
      then: (d) => {
        expect(d.called).toEqual([]);
        expect(d.asked).toEqual([]);
        expect(alertsOf(d)).toEqual(['info: Canary analysis was skipped, promotion finished.']);
        expect(d.next).toMatchObject({ lastPromotedSpec: 'rev-2', canaryWeight: 0 });
        expect(d.effects.find((e) => e.type === 'promote')).toMatchObject({ spec: 'rev-2', trackedConfigs: {} });
      },
    },
    {
      name: 'still waits for the canary to be ready',
      canary: skip,
      state: progressing(0),
      facts: facts({ target: { readiness: { kind: 'wait', reason: 'canary not ready' } } }),
      phase: 'Progressing',
      decision: 'wait',
    },
    {
      name: 'still rolls back a canary whose Deployment gave up',
      canary: skip,
      state: progressing(0),
      facts: facts({ target: { readiness: { kind: 'failed', reason: 'exceeded its progress deadline' } } }),
      phase: 'Failed',
    },
    {
      name: 'with an unready primary, promotes without moving traffic and lets Promoting wait for it',
      canary: skip,
      state: progressing(0),
      facts: facts({ primary: workload({ readiness: { kind: 'wait', reason: 'primary crash-looping' }, availableReplicas: 0 }) }),
      phase: 'Promoting',
      types: ['reconcileRouter', 'recordEvent', 'promote'],
    },
  ])('$name', (row) => {
    check(row);
  });
});
