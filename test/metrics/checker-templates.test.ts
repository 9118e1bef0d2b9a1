/**
 * How the checker resolves a `templateRef` against a cluster (the emulator over HTTP): the MetricTemplate in the
 * Canary's or the ref's namespace, its Secret, the rendered query sent to the provider (a local server), and an
 * error naming whatever is missing. Also the KeptnMetric provider, which reads the cluster.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { CanaryMetric } from '../../shared/api/types.ts';
import { KubeConflictError } from '../../shared/kube/errors.ts';
import { RealMetricChecker } from '../../shared/metrics/checker.ts';
import { realProviders } from '../../shared/metrics/factory.ts';
import type { MetricCheckRequest } from '../../shared/metrics/types.ts';
import { keptnCrds } from '../../sim/crds/index.ts';
import { kubeForFile } from '../kube/harness.ts';
import { recordingServerForFile } from './recording-server.ts';

const cluster = kubeForFile();
const server = recordingServerForFile();

function templateRequest(metric: Partial<CanaryMetric> & { templateRef: CanaryMetric['templateRef'] }): MetricCheckRequest {
  return {
    name: 'errors',
    source: 'template',
    metric: { name: 'errors', interval: '1m', ...metric },
    model: { name: 'podinfo', namespace: 'test', target: 'podinfo', service: 'podinfo', ingress: 'podinfo', interval: '1m', variables: metric.templateVariables ?? {} },
  };
}

async function template(name: string, namespace: string, spec: object): Promise<void> {
  await cluster.kube.create({ apiVersion: 'flagger.app/v1beta1', kind: 'MetricTemplate', metadata: { name, namespace }, spec });
}

const checker = (): RealMetricChecker => new RealMetricChecker({ kube: cluster.kube, providers: realProviders({ kube: cluster.kube }) });

describe('templateRef resolution', () => {
  it('reads the template and its Secret from the ref\'s namespace, renders, and queries with the credentials', async () => {
    await cluster.kube.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'monitoring' } });
    await template('errors', 'monitoring', {
      provider: { type: 'prometheus', address: server.url, secretRef: { name: 'prom' } },
      query: 'sum(rate(errors{namespace="{{ namespace }}",app="{{ target }}",code="{{ variables.code }}"}[{{ interval }}]))',
    });
    await cluster.kube.create({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'prom', namespace: 'monitoring' }, data: { token: Buffer.from('tkn').toString('base64') } });
    server.answer({ body: { data: { resultType: 'vector', result: [{ value: [1, '0.5'] }] } } });

    const observation = await checker().check(templateRequest({ templateRef: { name: 'errors', namespace: 'monitoring' }, templateVariables: { code: '500' } }));

    expect(observation).toEqual({ provider: 'prometheus', query: 'sum(rate(errors{namespace="test",app="podinfo",code="500"}[1m]))', result: { kind: 'value', value: 0.5 } });
    expect(server.requests[0]?.headers.authorization).toBe('Bearer tkn');
  });

  it('names a missing variable', async () => {
    const observation = await checker().check(templateRequest({ templateRef: { name: 'errors', namespace: 'monitoring' } }));
    expect(observation.result).toEqual({
      kind: 'error',
      error: 'MetricTemplate monitoring/errors query render error: map has no entry for key "code" (templateVariables.code is not set)',
    });
    expect(server.requests).toHaveLength(0);
  });

  it('names a missing template in the Canary\'s namespace', async () => {
    expect((await checker().check(templateRequest({ templateRef: { name: 'errors' } }))).result).toEqual({
      kind: 'error',
      error: 'MetricTemplate test/errors not found (analysis.metrics[errors].templateRef)',
    });
  });

  it('names a missing Secret and a missing secret key', async () => {
    await template('dd', 'test', { provider: { type: 'datadog', secretRef: { name: 'dd-keys' } }, query: 'avg:x{*}' });
    expect((await checker().check(templateRequest({ templateRef: { name: 'dd' } }))).result).toEqual({
      kind: 'error',
      error: 'MetricTemplate test/dd secret test/dd-keys not found (spec.provider.secretRef)',
    });
    await cluster.kube.create({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'dd-keys', namespace: 'test' }, stringData: { datadog_api_key: 'a' } });
    expect((await checker().check(templateRequest({ templateRef: { name: 'dd' } }))).result).toEqual({
      kind: 'error',
      error: 'MetricTemplate test/dd provider datadog: datadog credentials do not contain datadog_application_key (Secret dd-keys has no key datadog_application_key)',
    });
  });

  it('probes the template\'s provider for availability', async () => {
    server.answer({ body: { data: { resultType: 'vector', result: [{ value: [1, '1'] }] } } });
    expect(await checker().probe(templateRequest({ templateRef: { name: 'errors', namespace: 'monitoring' }, templateVariables: { code: '500' } }))).toEqual({ online: true });
    expect(server.requests[0]?.query).toEqual({ query: 'vector(1)' });
    expect(await checker().probe(templateRequest({ templateRef: { name: 'absent' } }))).toEqual({ online: false, reason: 'MetricTemplate test/absent not found (analysis.metrics[errors].templateRef)' });
  });
});

describe('keptn', () => {
  beforeAll(async () => {
    // Both kinds before any request: the client caches what API discovery said a group serves.
    for (const crd of keptnCrds()) {
      await cluster.kube.create(crd).catch((error: unknown) => {
        if (!(error instanceof KubeConflictError)) throw error;
      });
    }
  });

  it('reads status.value of the KeptnMetric the query names', async () => {
    await cluster.kube.create({ apiVersion: 'metrics.keptn.sh/v1beta1', kind: 'KeptnMetric', metadata: { name: 'error-rate', namespace: 'test' }, spec: { provider: { name: 'prom' }, query: 'x', fetchIntervalSeconds: 5 } });
    await cluster.kube.patch({ apiVersion: 'metrics.keptn.sh/v1beta1', kind: 'KeptnMetric', name: 'error-rate', namespace: 'test' }, 'merge', { status: { value: '0.75' } }, { subresource: 'status' });
    await template('keptn', 'test', { provider: { type: 'keptn' }, query: 'keptnmetric/{{ namespace }}/error-rate' });

    expect(await checker().check(templateRequest({ templateRef: { name: 'keptn' } }))).toEqual({ provider: 'keptn', query: 'keptnmetric/test/error-rate', result: { kind: 'value', value: 0.75 } });
  });

  it('runs a Keptn Analysis query through the checker (timing from the environment)', async () => {
    await template('keptn-analysis', 'test', { provider: { type: 'keptn' }, query: 'analysis/test/my-definition/1m' });
    const quick = new RealMetricChecker({ kube: cluster.kube, providers: realProviders({ kube: cluster.kube, keptnAnalysis: { pollMs: 5, timeoutMs: 50 } }) });
    const result = (await quick.check(templateRequest({ templateRef: { name: 'keptn-analysis' } }))).result;
    expect(result).toEqual({ kind: 'error', error: 'encountered timeout while waiting for Keptn Analysis test/my-definition to be finished' });
  });
});
