import { describe, expect, it } from 'vitest';
import type { Canary, CanaryAnalysis, CanarySpec } from '../../shared/api/index.ts';
import { withDefaults } from '../../shared/api/index.ts';

function canary(analysis: Partial<CanaryAnalysis> = {}, spec: Partial<CanarySpec> = {}): Canary {
  return {
    apiVersion: 'flagger.app/v1beta1',
    kind: 'Canary',
    metadata: { name: 'podinfo', namespace: 'test' },
    spec: {
      targetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'podinfo' },
      service: { port: 9898 },
      ...spec,
      analysis: { threshold: 5, stepWeight: 10, ...analysis },
    },
  };
}

const defaulted = (analysis: Partial<CanaryAnalysis> = {}, spec: Partial<CanarySpec> = {}) =>
  withDefaults(canary(analysis, spec)).spec;

describe('withDefaults applies Flagger defaults', () => {
  it.each([
    ['unset → 60s', undefined, 60_000, '1m'],
    ['1m → 1m', '1m', 60_000, '1m'],
    ['below 10s → 10s', '5s', 10_000, '10s'],
    ['not a duration → 60s', '5min', 60_000, '1m'],
  ])('analysis interval %s', (_name, interval, ms, text) => {
    const { analysis } = defaulted(interval === undefined ? {} : { interval });
    expect([analysis.intervalMs, analysis.interval]).toEqual([ms, text]);
  });

  it.each([
    [undefined, 1],
    [0, 1],
    [-3, 1],
    [5, 5],
  ])('threshold %s → %i', (threshold, expected) => {
    const analysis: Partial<CanaryAnalysis> = {};
    if (threshold !== undefined) analysis.threshold = threshold;
    const out = withDefaults({ ...canary(), spec: { ...canary().spec, analysis: { stepWeight: 10, ...analysis } } }).spec;
    expect(out.analysis.threshold).toBe(expected);
  });

  it('maxWeight defaults to 100', () => {
    expect(defaulted().analysis.maxWeight).toBe(100);
  });

  it('maxWeight is the last of stepWeights, capped at 100', () => {
    expect(defaulted({ stepWeight: undefined, stepWeights: [5, 20, 60], maxWeight: 30 }).analysis.maxWeight).toBe(60);
    expect(defaulted({ stepWeight: undefined, stepWeights: [50, 120] }).analysis.maxWeight).toBe(100);
  });

  it('ready thresholds default to 100', () => {
    const { analysis } = defaulted();
    expect([analysis.primaryReadyThreshold, analysis.canaryReadyThreshold]).toEqual([100, 100]);
  });

  it('progressDeadlineSeconds defaults to 600', () => {
    expect(defaulted().progressDeadlineSeconds).toBe(600);
    expect(defaulted({}, { progressDeadlineSeconds: 60 }).progressDeadlineSeconds).toBe(60);
  });

  it('metric interval defaults to 1m, for builtin and template metrics alike', () => {
    const { metrics } = defaulted({
      metrics: [
        { name: 'request-success-rate', thresholdRange: { min: 99 } },
        { name: 'error-rate', templateRef: { name: 'error-rate' }, thresholdRange: { max: 1 } },
        { name: 'latency', templateRef: { name: 'latency' }, interval: '30s' },
      ],
    }).analysis;
    expect(metrics.map((m) => [m.interval, m.intervalMs])).toEqual([
      ['1m', 60_000],
      ['1m', 60_000],
      ['30s', 30_000],
    ]);
  });

  it('template references default to the canary namespace', () => {
    const { metrics } = defaulted({ metrics: [{ name: 'x', templateRef: { name: 'error-rate' } }] }).analysis;
    expect(metrics[0]?.templateRef).toEqual({ name: 'error-rate', namespace: 'test' });
  });

  it.each([
    ['request-success-rate', { threshold: 99 }, { min: 99 }],
    ['request-duration', { threshold: 500 }, { max: 500 }],
    ['custom', { threshold: 3, query: 'q' }, { max: 3 }],
    ['request-success-rate', { thresholdRange: { min: 95, max: 100 } }, { min: 95, max: 100 }],
    ['request-duration', {}, { max: 0 }],
  ])('metric %s with %j accepts %j', (name, fields, accept) => {
    const { metrics } = defaulted({ metrics: [{ name, ...fields }] }).analysis;
    expect(metrics[0]?.accept).toEqual(accept);
  });

  it('webhook timeout defaults to 10s, type to rollout, retries to 0', () => {
    const { webhooks } = defaulted({ webhooks: [{ name: 'load', url: 'http://t/' }, { name: 'gate', url: 'http://t/', type: '' }] }).analysis;
    expect(webhooks.map((w) => [w.type, w.timeout, w.timeoutMs, w.retries])).toEqual([
      ['rollout', '10s', 10_000, 0],
      ['rollout', '10s', 10_000, 0],
    ]);
  });

  it('alert severity defaults to info and the provider namespace to the canary namespace', () => {
    const { alerts } = defaulted({ alerts: [{ name: 'on-call', severity: '', providerRef: { name: 'slack' } }] }).analysis;
    expect(alerts[0]).toEqual({ name: 'on-call', severity: 'info', providerRef: { name: 'slack', namespace: 'test' } });
  });

  it('cookie maxAge defaults to 86400', () => {
    expect(defaulted({ sessionAffinity: { cookieName: 'canary' } }).analysis.sessionAffinity?.maxAge).toBe(86_400);
    expect(defaulted({ sessionAffinity: { cookieName: 'canary', maxAge: 60 } }).analysis.sessionAffinity?.maxAge).toBe(60);
  });

  it('mirrorWeight defaults to 100 when mirroring', () => {
    expect(defaulted({ mirror: true }).analysis.mirrorWeight).toBe(100);
    expect(defaulted().analysis.mirrorWeight).toBeUndefined();
  });

  it('service portName defaults to http, targetPort to port and name to the target name', () => {
    expect(defaulted().service).toMatchObject({ portName: 'http', targetPort: 9898, name: 'podinfo' });
    expect(defaulted({}, { service: { port: 80, targetPort: 'http-app', portName: 'grpc', name: 'web' } }).service).toMatchObject({
      portName: 'grpc',
      targetPort: 'http-app',
      name: 'web',
    });
  });

  it('provider defaults to istio, as Flagger -mesh-provider does, unless configured', () => {
    expect(defaulted().provider).toBe('istio');
    expect(withDefaults(canary(), { defaultProvider: 'linkerd' }).spec.provider).toBe('linkerd');
  });

  it('the kubernetes provider runs 10 iterations and drops A/B matches', () => {
    const spec = defaulted({ match: [{ headers: { x: { exact: 'y' } } }] }, { provider: 'kubernetes' });
    expect([spec.strategy, spec.analysis.iterations, spec.analysis.match]).toEqual(['blue-green', 10, []]);
  });

  it('keeps every raw field and leaves the input untouched', () => {
    const input = canary({ stepWeightPromotion: 20, webhooks: [{ name: 'x', url: 'http://t/', metadata: { cmd: 'hey' } }] }, { revertOnDeletion: true });
    const before = structuredClone(input);
    const out = withDefaults(input);
    expect(input).toEqual(before);
    expect(out.spec.analysis.stepWeightPromotion).toBe(20);
    expect(out.spec.analysis.webhooks[0]?.metadata).toEqual({ cmd: 'hey' });
    expect(out.spec.revertOnDeletion).toBe(true);
  });
});
