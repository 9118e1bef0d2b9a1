/**
 * Every observer's builtin queries, rendered as Flagger renders them, run through the real PromQL engine of
 * Debian's Prometheus scraping the test exporter: each returns the success rate and p99 the exporter serves.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CanaryMetric } from '../../shared/api/types.ts';
import { RealMetricChecker } from '../../shared/metrics/checker.ts';
import type { MetricCheckRequest, MetricTemplateModel } from '../../shared/metrics/types.ts';
import { kubeForFile } from '../kube/harness.ts';
import { startExporter, type Exporter } from './exporter.ts';
import { startPrometheus, type PrometheusServer } from './prometheus-server.ts';

const kube = kubeForFile();
let exporter: Exporter;
let prometheus: PrometheusServer;

beforeAll(async () => {
  exporter = await startExporter();
  prometheus = await startPrometheus([`127.0.0.1:${exporter.port}`]);
  await prometheus.waitForSamples('count_over_time(up[1m]) >= 3', 20_000);
}, 40_000);

afterAll(async () => {
  await prometheus?.stop();
  await exporter?.stop();
});

const model: MetricTemplateModel = {
  name: 'podinfo',
  namespace: 'test',
  target: 'podinfo',
  service: 'podinfo',
  ingress: 'podinfo',
  route: 'podinfo',
  interval: '30s',
  variables: {},
};

function builtin(name: 'request-success-rate' | 'request-duration', observer: string, overrides: Partial<MetricTemplateModel> = {}): MetricCheckRequest {
  const metric: CanaryMetric = { name, interval: '30s' };
  return { name, source: 'builtin', metric, model: { ...model, ...overrides }, observer, metricsServer: prometheus.url };
}

// observer as the engine sends it → the exporter's family it must read
interface ObserverCase {
  readonly observer: string;
  readonly family: string;
  readonly overrides?: Partial<MetricTemplateModel>;
}
const observerRows: readonly (readonly [string, string, Partial<MetricTemplateModel>?])[] = [
  ['istio', 'istio'],
  ['linkerd', 'linkerd'],
  ['contour', 'contour'],
  ['gloo', 'gloo'],
  ['kuma', 'kuma'],
  ['knative', 'knative', { route: 'podinfo-00002' }],
  ['appmesh:v1beta2', 'appmesh'],
  ['nginx', 'nginx'],
  ['skipper', 'skipper'],
  ['traefik', 'traefik'],
  ['apisix', 'apisix'],
  ['osm', 'osm'],
  ['kubernetes', 'http'],
  ['gatewayapi:v1', 'http'],
];
const observers: ObserverCase[] = observerRows.map(([observer, family, overrides]) => ({ observer, family, ...(overrides ? { overrides } : {}) }));

describe('builtin metrics against a real Prometheus', () => {
  it.each(observers)('$observer request-success-rate is the success rate of the canary ($family family)', async ({ observer, family, overrides }) => {
    const checker = new RealMetricChecker({ kube: kube.kube });
    const observation = await checker.check(builtin('request-success-rate', observer, overrides));
    expect(observation.provider).toBe('prometheus');
    expect(observation.result.kind).toBe('value');
    const value = observation.result.kind === 'value' ? observation.result.value : NaN;
    expect(value).toBeCloseTo(exporter.expected[family]?.successRate ?? NaN, 6);
  });

  it.each(observers)('$observer request-duration is the p99 latency in milliseconds ($family family)', async ({ observer, family, overrides }) => {
    const checker = new RealMetricChecker({ kube: kube.kube });
    const observation = await checker.check(builtin('request-duration', observer, overrides));
    expect(observation.result.kind).toBe('value');
    const value = observation.result.kind === 'value' ? observation.result.value : NaN;
    expect(value).toBeCloseTo(exporter.expected[family]?.durationMs ?? NaN, 6);
  });

  it('records the query as Prometheus receives it, whitespace collapsed', async () => {
    const observation = await new RealMetricChecker({ kube: kube.kube }).check(builtin('request-success-rate', 'istio'));
    expect(observation.query).toBe(
      'sum( rate( istio_requests_total{ reporter="destination", destination_workload_namespace="test", destination_workload=~"podinfo", response_code!~"5.*" }[30s] ) ) / sum( rate( istio_requests_total{ reporter="destination", destination_workload_namespace="test", destination_workload=~"podinfo" }[30s] ) ) * 100',
    );
  });

  it('answers noData when the canary has no traffic', async () => {
    const observation = await new RealMetricChecker({ kube: kube.kube }).check(builtin('request-success-rate', 'istio', { target: 'absent' }));
    expect(observation.result).toEqual({ kind: 'noData', reason: 'no values found' });
  });

  it('reads the Knative route from the latest created revision of the Knative Service', async () => {
    await kube.kube.create({
      apiVersion: 'serving.knative.dev/v1',
      kind: 'Service',
      metadata: { name: 'podinfo', namespace: 'test' },
      spec: { template: { spec: { containers: [{ image: 'podinfo:1' }] } } },
    });
    await kube.kube.patch(
      { apiVersion: 'serving.knative.dev/v1', kind: 'Service', name: 'podinfo', namespace: 'test' },
      'merge',
      { status: { latestCreatedRevisionName: 'podinfo-00002' } },
      { subresource: 'status' },
    );
    const observation = await new RealMetricChecker({ kube: kube.kube }).check(builtin('request-success-rate', 'knative'));
    expect(observation.result).toEqual({ kind: 'value', value: expect.closeTo(94, 6) });
    expect(observation.query).toContain('envoy_cluster_name=~"test/podinfo-00002"');
    const inline = await new RealMetricChecker({ kube: kube.kube }).check({
      name: 'route',
      source: 'query',
      provider: 'knative',
      metric: { name: 'route', interval: '30s', query: 'label_replace(vector(1), "route", "{{ route }}", "", "")' },
      model,
      metricsServer: prometheus.url,
    });
    expect([inline.query, inline.result]).toEqual(['label_replace(vector(1), "route", "podinfo-00002", "", "")', { kind: 'value', value: 1 }]);
    expect(observation.result.kind === 'value' && observation.result.value).toBeCloseTo(94, 6);
  });
});

describe('inline queries and the Prometheus provider', () => {
  function inline(query: string): MetricCheckRequest {
    return { name: 'custom', source: 'query', metric: { name: 'custom', query, interval: '30s' }, model, metricsServer: prometheus.url };
  }

  it('renders an inline query with the model and runs it', async () => {
    const observation = await new RealMetricChecker({ kube: kube.kube }).check(
      inline('sum(rate(response_total{namespace="{{ namespace }}",classification="failure",deployment="{{ target }}"}[{{ interval }}])) / sum(rate(response_total{namespace="{{ namespace }}",deployment="{{ target }}"}[{{ interval }}]))'),
    );
    expect(observation.query).toBe(
      'sum(rate(response_total{namespace="test",classification="failure",deployment="podinfo"}[30s])) / sum(rate(response_total{namespace="test",deployment="podinfo"}[30s]))',
    );
    // 0.2 failed inbound + 50 failed outbound of 60 requests per second
    expect(observation.result.kind === 'value' && observation.result.value).toBeCloseTo(50.2 / 60, 6);
  });

  it('answers multipleValues when the query returns several series', async () => {
    const observation = await new RealMetricChecker({ kube: kube.kube }).check(inline('rate(istio_requests_total[30s])'));
    expect(observation.result).toEqual({ kind: 'multipleValues', count: 4 });
  });

  it('answers noData for NaN and for an infinite value', async () => {
    const checker = new RealMetricChecker({ kube: kube.kube });
    expect((await checker.check(inline('vector(0) / vector(0)'))).result.kind).toBe('noData');
    expect((await checker.check(inline('vector(1) / vector(0)'))).result.kind).toBe('noData');
  });

  it('answers a scalar result', async () => {
    expect((await new RealMetricChecker({ kube: kube.kube }).check(inline('scalar(vector(42))'))).result).toEqual({ kind: 'value', value: 42 });
  });

  it('answers an error with Prometheus\'s message for a bad query', async () => {
    const result = (await new RealMetricChecker({ kube: kube.kube }).check(inline('sum(rate('))).result;
    expect(result.kind).toBe('error');
    expect(result.kind === 'error' && result.error).toMatch(/^error response: Status 400: .*parse error/u);
  });

  it('probes availability with vector(1), and reports an unreachable server', async () => {
    const checker = new RealMetricChecker({ kube: kube.kube });
    expect(await checker.probe(inline('up'))).toEqual({ online: true });
    const offline = await checker.probe({ ...inline('up'), metricsServer: 'http://127.0.0.1:1' });
    expect(offline.online).toBe(false);
    expect(!offline.online && offline.reason).toMatch(/^running query failed: request failed: .*ECONNREFUSED/u);
  });
});
