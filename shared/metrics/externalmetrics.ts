/**
 * The Kubernetes external metrics provider, as Flagger's: the query is `<namespace>/<metricName>?labelSelector=
 * <selector>` (namespace `default` when omitted), read from the external metrics API
 * (`/apis/external.metrics.k8s.io/v1beta1/namespaces/<ns>/<metric>`) with the secret's bearer `token`; the answer
 * is the first item's quantity. Fledge reaches the API at `spec.provider.address` (the API server or the metrics
 * adapter); it cannot borrow the controller's in-cluster config as Flagger does, so the address is required.
 * Several items are `multipleValues` (Flagger reads the first).
 */
import { ProviderConfigError } from './errors.ts';
import { finiteValue, parseJson, send, shorten } from './http.ts';
import { addressOf, type ProviderOptions } from './options.ts';
import { parseQuantity } from './quantity.ts';
import type { MetricProvider, MetricQueryResult, OnlineResult } from './types.ts';

/** Builds the provider; a missing address is a `ProviderConfigError`. */
export function createExternalMetricsProvider(options: ProviderOptions): MetricProvider {
  if (options.spec.address === undefined || options.spec.address === '') {
    throw new ProviderConfigError('externalmetrics needs spec.provider.address in Fledge (the API server or external metrics adapter URL)');
  }
  const address = addressOf(options);
  const headers: Record<string, string> = { accept: 'application/json' };
  if (options.secret?.token !== undefined) headers.authorization = `Bearer ${options.secret.token}`;
  const list = async (namespace: string, metric: string, selector: string | undefined): Promise<{ ok: true; value: unknown } | { ok: false; error: string }> => {
    const url = new URL(`${address}/apis/external.metrics.k8s.io/v1beta1/namespaces/${encodeURIComponent(namespace)}/${encodeURIComponent(metric)}`);
    if (selector !== undefined && selector !== '') url.search = new URLSearchParams({ labelSelector: selector }).toString();
    const answer = await send({ url, headers, timeoutMs: options.timeoutMs, insecureSkipVerify: options.spec.insecureSkipVerify });
    if (!answer.ok) return answer;
    if (answer.status !== 200) return { ok: false, error: `error querying external metrics API: ${answer.status} ${shorten(answer.body)}` };
    return parseJson(answer.body);
  };
  return {
    type: 'externalmetrics',
    async query(rendered: string): Promise<MetricQueryResult> {
      const parsed = parseMetricQuery(rendered.trim());
      if (!parsed.ok) return { kind: 'error', error: `error parsing metric query: ${parsed.error}` };
      const answer = await list(parsed.namespace, parsed.metric, parsed.selector);
      if (!answer.ok) return { kind: 'error', error: answer.error };
      const items = (answer.value as { items?: { value?: string }[] } | null)?.items ?? [];
      if (items.length === 0) return { kind: 'noData', reason: 'no external metrics found: no values found' };
      if (items.length > 1) return { kind: 'multipleValues', count: items.length };
      const value = parseQuantity(items[0]?.value ?? '');
      if (value === undefined) return { kind: 'error', error: `invalid quantity ${JSON.stringify(items[0]?.value)}` };
      return finiteValue(value, 'the quantity');
    },
    async isOnline(): Promise<OnlineResult> {
      const answer = await list('kube-system', 'dummy-metric', undefined);
      return answer.ok ? { online: true } : { online: false, reason: `external metrics service unavailable: ${answer.error}` };
    },
  };
}

type ParsedQuery = { ok: true; namespace: string; metric: string; selector?: string } | { ok: false; error: string };

/** `<namespace>/<metricName>?labelSelector=<selector>`, as Flagger reads it. */
export function parseMetricQuery(query: string): ParsedQuery {
  const [path = '', search = ''] = query.split(/\?(.*)/su);
  const parts = path.replace(/^\//u, '').split('/');
  const expected = 'expected <namespace>/<metricName>?labelSelector=<urlencoded label selectors>';
  if (parts.length > 2) return { ok: false, error: `malformed query string, too many slashes, ${expected}, got ${query}` };
  const [first = '', second] = parts;
  const namespace = second === undefined || first === '' ? 'default' : first;
  const metric = second ?? first;
  if (metric === '') return { ok: false, error: 'metric name cannot be empty' };
  const selector = new URLSearchParams(search).get('labelSelector') ?? undefined;
  return { ok: true, namespace, metric, ...(selector === undefined ? {} : { selector }) };
}
