import { beforeAll, describe, expect, it } from 'vitest';
import { RecordingNotifier, WorldHooks, WorldMetrics } from '../../../sim/scenario/answers.ts';
import type { HookType, WebhookCall } from '../../../shared/hooks/index.ts';
import type { MetricCheckRequest } from '../../../shared/metrics/index.ts';
import type { WorldSpec } from '../../../sim/scenario/types.ts';
import { kubeForFile } from '../../kube/harness.ts';

const cluster = kubeForFile();

const WORLD: WorldSpec = {
  images: {
    'podinfo:bad': { readyAfterTicks: 0, errorRate: 0.35, latencyMs: 900, neverReady: false, crashLoop: false },
  },
  primary: { neverReadyAfterPromotion: false },
  metrics: { 'error-rate': [0.1, 'nodata', 'error', 0.2], 'request-duration': [120] },
  webhooks: { gate: ['fail', 403, 'pass'], check: [503] },
};

function request(name: string, observer = 'istio'): MetricCheckRequest {
  const builtin = name.startsWith('request-');
  return {
    name,
    source: builtin ? 'builtin' : 'template',
    metric: builtin ? { name, interval: '1m' } : { name, interval: '1m', templateRef: { name: 'error-rate' } },
    model: { name: 'podinfo', namespace: 'test', target: 'podinfo', service: 'podinfo', ingress: 'podinfo', interval: '1m', variables: {} },
    ...(builtin ? { observer } : {}),
  };
}

const ERROR_RATE_TEMPLATE = {
  apiVersion: 'flagger.app/v1beta1',
  kind: 'MetricTemplate',
  metadata: { name: 'error-rate', namespace: 'test' },
  spec: { provider: { type: 'datadog', address: 'https://api.datadoghq.eu' }, query: 'sum:errors{kube_deployment:{{ target }}}.as_rate()' },
};

function call(name: string, type: HookType): WebhookCall {
  return { name, type, url: 'http://hooks/', timeout: '10s', payload: { name: 'podinfo', namespace: 'test', phase: 'Progressing', checksum: 'abc' } };
}

describe('WorldMetrics', () => {
  beforeAll(async () => {
    await cluster.kube.create(ERROR_RATE_TEMPLATE);
  });

  it('fails a templateRef whose MetricTemplate does not exist, even when the world scripts its name', async () => {
    const metrics = new WorldMetrics(WORLD, async () => 'podinfo:bad', cluster.kube);
    const missing = { ...request('error-rate'), metric: { name: 'error-rate', interval: '1m', templateRef: { name: 'absent' } } };

    expect((await metrics.check(missing)).result).toEqual({
      kind: 'error',
      error: 'MetricTemplate test/absent not found (analysis.metrics[error-rate].templateRef)',
    });
  });

  it('renders the MetricTemplate\'s query and answers as its provider', async () => {
    const metrics = new WorldMetrics(WORLD, async () => 'podinfo:bad', cluster.kube);

    expect(await metrics.check(request('error-rate'))).toEqual({
      provider: 'datadog',
      query: 'sum:errors{kube_deployment:podinfo}.as_rate()',
      result: { kind: 'value', value: 0.1 },
    });
  });

  it('answers the app-level duration query in seconds, which the checker turns back into milliseconds', async () => {
    const metrics = new WorldMetrics({ ...WORLD, metrics: {} }, async () => 'podinfo:bad', cluster.kube);

    const observation = await metrics.check(request('request-duration', 'kubernetes'));

    expect(observation.query).toContain('http_request_duration_seconds_bucket');
    expect(observation.result).toEqual({ kind: 'value', value: 900 });
  });

  it('gives back a scripted fractional duration exactly through the seconds query', async () => {
    const metrics = new WorldMetrics({ ...WORLD, metrics: { 'request-duration': [501.9] } }, async () => 'podinfo:bad', cluster.kube);

    expect((await metrics.check(request('request-duration', 'gatewayapi:v1'))).result).toEqual({ kind: 'value', value: 501.9 });
  });

  it('computes the builtin success rate from the canary pods\' image', async () => {
    const images: string[] = [];
    const metrics = new WorldMetrics(
      WORLD,
      async (namespace, target) => {
        images.push(`${namespace}/${target}`);
        return 'podinfo:bad';
      },
      cluster.kube,
    );

    const observation = await metrics.check(request('request-success-rate'));

    expect(observation.result).toEqual({ kind: 'value', value: 65 });
    expect(images).toEqual(['test/podinfo']);
  });

  it('uses the image defaults for an unlisted image', async () => {
    const metrics = new WorldMetrics({ ...WORLD, metrics: {} }, async () => 'podinfo:unlisted', cluster.kube);

    expect((await metrics.check(request('request-success-rate'))).result).toEqual({ kind: 'value', value: 100 });
    expect((await metrics.check(request('request-duration'))).result).toEqual({ kind: 'value', value: 50 });
  });

  it('answers scripted metrics one per check, the last repeating, builtins included', async () => {
    const metrics = new WorldMetrics(WORLD, async () => 'podinfo:bad', cluster.kube);

    const results = [];
    for (let i = 0; i < 5; i++) results.push((await metrics.check(request('error-rate'))).result.kind);

    expect(results).toEqual(['value', 'noData', 'error', 'value', 'value']);
    expect((await metrics.check(request('request-duration'))).result).toEqual({ kind: 'value', value: 120 });
  });

  it('words a scripted nodata answer as a real provider does, so the halt event reads as Flagger\'s', async () => {
    const metrics = new WorldMetrics(WORLD, async () => 'podinfo:bad', cluster.kube);

    await metrics.check(request('error-rate'));

    expect((await metrics.check(request('error-rate'))).result).toEqual({ kind: 'noData', reason: 'no values found' });
  });

  it('finds no data when the canary workload does not exist', async () => {
    const metrics = new WorldMetrics({ ...WORLD, metrics: {} }, async () => undefined, cluster.kube);

    expect((await metrics.check(request('request-duration'))).result.kind).toBe('noData');
  });
});

describe('WorldHooks', () => {
  it('passes unlisted webhooks and answers listed ones in order, recording each call', async () => {
    const hooks = new WorldHooks(WORLD);

    const kinds = [
      (await hooks.call(call('acceptance', 'pre-rollout'))).kind,
      (await hooks.call(call('gate', 'confirm-promotion'))).kind,
      (await hooks.call(call('gate', 'confirm-promotion'))).kind,
      (await hooks.call(call('gate', 'confirm-promotion'))).kind,
      (await hooks.call(call('check', 'rollout'))).kind,
    ];

    expect(kinds).toEqual(['passed', 'pending', 'pending', 'passed', 'failed']);
    expect(hooks.drain()).toEqual([
      { name: 'acceptance', type: 'pre-rollout', phase: 'Progressing', result: 'pass' },
      { name: 'gate', type: 'confirm-promotion', phase: 'Progressing', result: 'fail' },
      { name: 'gate', type: 'confirm-promotion', phase: 'Progressing', result: 'fail' },
      { name: 'gate', type: 'confirm-promotion', phase: 'Progressing', result: 'pass' },
      { name: 'check', type: 'rollout', phase: 'Progressing', result: 'fail' },
    ]);
    expect(hooks.drain()).toEqual([]);
  });

  it('reports the scripted HTTP status code', async () => {
    const result = await new WorldHooks(WORLD).call(call('check', 'rollout'));

    expect(result.statusCode).toBe(503);
  });
});

describe('RecordingNotifier', () => {
  it('records alerts in order until drained', async () => {
    const notifier = new RecordingNotifier();
    const canary = { cluster: 'sim', namespace: 'test', name: 'podinfo' };

    await notifier.post({ canary, severity: 'info', message: 'one', fields: [] });
    await notifier.post({ canary, severity: 'error', message: 'two', fields: [] });

    expect(notifier.drain()).toEqual([
      { severity: 'info', message: 'one' },
      { severity: 'error', message: 'two' },
    ]);
    expect(notifier.drain()).toEqual([]);
  });
});
