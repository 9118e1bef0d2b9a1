/**
 * The externalmetrics provider without `spec.provider.address`: as Flagger with its in-cluster config, it reads
 * `external.metrics.k8s.io/v1beta1` through the cluster's API server with the controller's own credentials.
 * The emulator plays the metrics adapter; both kube transports run (the `eks` one only lets in a valid EKS
 * token, so an answer proves the credentials were sent). With an address, the cluster is not asked.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { ProviderConfigError } from '../../shared/metrics/errors.ts';
import { createExternalMetricsProvider } from '../../shared/metrics/externalmetrics.ts';
import { realProviders } from '../../shared/metrics/factory.ts';
import type { KubeClient } from '../../shared/kube/types.ts';
import type { MetricCheckRequest } from '../../shared/metrics/types.ts';
import type { ExternalMetricValue } from '../../sim/emulator/index.ts';
import { kubeForFile, TRANSPORTS } from '../kube/harness.ts';
import { recordingServerForFile } from './recording-server.ts';

const server = recordingServerForFile();

describe.each(TRANSPORTS)('externalmetrics through the cluster (%s)', (transport) => {
  const asked: { namespace: string; metric: string; labelSelector: string }[] = [];
  let values: readonly ExternalMetricValue[] = [];
  const cluster = kubeForFile(transport, {
    externalMetrics: (namespace, metric, labelSelector) => {
      asked.push({ namespace, metric, labelSelector });
      return values;
    },
  });
  const provider = (kube: KubeClient = cluster.kube) => createExternalMetricsProvider({ spec: { type: 'externalmetrics' }, interval: '1m', now: () => new Date(), kube });

  beforeEach(() => {
    asked.length = 0;
    values = [];
    cluster.emulator.requestLog.length = 0;
  });

  it('reads the metric from the API server with the label selector and answers the quantity', async () => {
    values = [{ metricName: 'queue_depth', metricLabels: { app: 'podinfo' }, timestamp: '2026-01-01T00:00:00Z', value: '1500m' }];

    expect(await provider().query('apps/queue_depth?labelSelector=app%3Dpodinfo')).toEqual({ kind: 'value', value: 1.5 });

    expect(asked).toEqual([{ namespace: 'apps', metric: 'queue_depth', labelSelector: 'app=podinfo' }]);
    const request = cluster.emulator.requestLog.find((r) => r.path.startsWith('/apis/external.metrics.k8s.io/'));
    expect(request).toMatchObject({ method: 'GET', path: '/apis/external.metrics.k8s.io/v1beta1/namespaces/apps/queue_depth', query: '?labelSelector=app%3Dpodinfo', status: 200 });
  });

  it('goes through the factory with the cluster client, and answers no items as noData', async () => {
    const request: MetricCheckRequest = {
      name: 'queue',
      source: 'template',
      metric: { name: 'queue', interval: '1m', templateRef: { name: 'queue' } },
      model: { name: 'podinfo', namespace: 'test', target: 'podinfo', service: 'podinfo', ingress: 'podinfo', interval: '1m', variables: {} },
    };
    const built = realProviders({ kube: cluster.kube })({ spec: { type: 'externalmetrics' }, interval: '1m', request });
    expect(await built.query('queue_depth')).toEqual({ kind: 'noData', reason: 'no external metrics found: no values found' });
    expect(asked).toEqual([{ namespace: 'default', metric: 'queue_depth', labelSelector: '' }]);
    expect(await built.isOnline()).toEqual({ online: true });
  });

  it('names a refused request', async () => {
    cluster.emulator.faults.add({ namespace: 'apps', resource: 'queue_depth' }, { type: 'status', code: 403, reason: 'Forbidden', message: 'external metrics forbidden' });
    const result = await provider().query('apps/queue_depth');
    expect(result.kind).toBe('error');
    expect((result as { error: string }).error).toMatch(/^error querying external metrics API: .*external metrics forbidden/u);
  });
});

describe('externalmetrics and the cluster', () => {
  const cluster = kubeForFile('kubeconfig');

  it('says when the cluster serves no external metrics API', async () => {
    const result = await createExternalMetricsProvider({ spec: { type: 'externalmetrics' }, interval: '1m', now: () => new Date(), kube: cluster.kube }).query('apps/queue_depth');
    expect(result).toEqual({ kind: 'error', error: 'error querying external metrics API: 404 the server could not find /apis/external.metrics.k8s.io/v1beta1/namespaces/apps/queue_depth (is an external metrics adapter registered?)' });
  });

  it('with an address reads the address, not the cluster', async () => {
    server.answer({ body: { items: [{ metricName: 'queue_depth', timestamp: '2026-01-01T00:00:00Z', value: '7' }] } });
    cluster.emulator.requestLog.length = 0;
    const provider = createExternalMetricsProvider({ spec: { type: 'externalmetrics', address: server.url }, secret: { token: 'sa' }, interval: '1m', now: () => new Date(), kube: cluster.kube });
    expect(await provider.query('apps/queue_depth')).toEqual({ kind: 'value', value: 7 });
    expect(server.requests[0]?.path).toBe('/apis/external.metrics.k8s.io/v1beta1/namespaces/apps/queue_depth');
    expect(server.requests[0]?.headers.authorization).toBe('Bearer sa');
    expect(cluster.emulator.requestLog).toEqual([]);
  });

  it('without an address and without a cluster client is a configuration error', () => {
    expect(() => createExternalMetricsProvider({ spec: { type: 'externalmetrics' }, interval: '1m', now: () => new Date() })).toThrow(ProviderConfigError);
  });
});
