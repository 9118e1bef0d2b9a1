/**
 * The Keptn provider, as Flagger's for KeptnMetrics: the query `keptnmetric/<namespace>/<name>` (case-insensitive)
 * reads `status.value` of that `metrics.keptn.sh/v1beta1` KeptnMetric from the cluster. Keptn Analyses
 * (`analysis/<namespace>/<definition>/…`, which Flagger creates and polls for up to 10 s) are not run by
 * Fledge: a Lambda step should not wait on an in-cluster job; such a query is an error saying so.
 */
import { ProviderConfigError } from './errors.ts';
import { finiteValue } from './http.ts';
import type { ProviderOptions } from './options.ts';
import type { KubeClient } from '../kube/types.ts';
import type { MetricProvider, MetricQueryResult, OnlineResult } from './types.ts';

/** Builds the provider on the cluster `kube`. */
export function createKeptnProvider(options: ProviderOptions & { readonly kube?: KubeClient }): MetricProvider {
  const kube = options.kube;
  if (kube === undefined) throw new ProviderConfigError('could not initialize the keptn provider: no cluster client');
  return {
    type: 'keptn',
    async query(rendered: string): Promise<MetricQueryResult> {
      const parts = rendered.trim().toLowerCase().split('/');
      if (parts.length < 3) return { kind: 'error', error: 'unexpected query format. query must be in the format <keptnmetric|analysis>/<namespace>/<resourceName>/<duration>/<arguments>' };
      const [kind, namespace = '', name = ''] = parts;
      if (kind === 'analysis' || kind === 'analyses') return { kind: 'error', error: 'Keptn Analysis queries are not supported by Fledge; query a KeptnMetric (keptnmetric/<namespace>/<name>)' };
      if (kind !== 'keptnmetric' && kind !== 'keptnmetrics') return { kind: 'error', error: "unexpected resource kind provided in the query. must be one of: ['keptnmetric', 'analysis']" };
      let metric;
      try {
        metric = await kube.get({ apiVersion: 'metrics.keptn.sh/v1beta1', kind: 'KeptnMetric', name, namespace });
      } catch (error) {
        return { kind: 'error', error: `could not retrieve KeptnMetric ${namespace}/${name}: ${(error as Error).message}` };
      }
      if (metric === undefined) return { kind: 'error', error: `could not retrieve KeptnMetric ${namespace}/${name}: not found` };
      const value = (metric.status as { value?: unknown } | undefined)?.value;
      if (typeof value !== 'string' || value === '') return { kind: 'noData', reason: `no value found in KeptnMetric ${namespace}/${name}` };
      const number = Number(value);
      if (Number.isNaN(number) && value !== 'NaN') return { kind: 'error', error: `could not parse value of KeptnMetric ${namespace}/${name} to float: ${value}` };
      return finiteValue(number, 'the value');
    },
    async isOnline(): Promise<OnlineResult> {
      return { online: true };
    },
  };
}
