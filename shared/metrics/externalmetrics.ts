/**
 * The Kubernetes external metrics provider, as Flagger's: the query is `<namespace>/<metricName>?labelSelector=
 * <selector>` (namespace `default` when omitted), read from the external metrics API
 * (`/apis/external.metrics.k8s.io/v1beta1/namespaces/<ns>/<metric>`) with the secret's bearer `token`; the answer
 * is the first item's quantity. With `spec.provider.address` (the API server or the metrics adapter) it is read
 * there over HTTP with the secret's token; without one, as Flagger does with its in-cluster config, through the
 * cluster's API server with the controller's own credentials (the kube port's `getPath`; the secret's token is
 * not used then). Several items are `multipleValues` (Flagger reads the first).
 */
import { ProviderConfigError } from './errors.ts';
import { finiteValue, parseJson, send, shorten } from './http.ts';
import { addressOf, type ProviderOptions } from './options.ts';
import { parseQuantity } from './quantity.ts';
import type { KubeClient } from '../kube/types.ts';
import type { MetricProvider, MetricQueryResult, OnlineResult } from './types.ts';

type ListAnswer = { ok: true; value: unknown } | { ok: false; error: string };
type Lister = (namespace: string, metric: string, selector: string | undefined) => Promise<ListAnswer>;

/** Builds the provider; without an address it needs a cluster client that can read raw paths. */
export function createExternalMetricsProvider(options: ProviderOptions & { readonly kube?: KubeClient }): MetricProvider {
  const list = options.spec.address === undefined || options.spec.address === '' ? clusterLister(options.kube) : addressLister(options);
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

function metricPath(namespace: string, metric: string): string {
  return `/apis/external.metrics.k8s.io/v1beta1/namespaces/${encodeURIComponent(namespace)}/${encodeURIComponent(metric)}`;
}

/** Through the cluster's API server, with the credentials the controller uses. */
function clusterLister(kube: KubeClient | undefined): Lister {
  const getPath = kube?.getPath?.bind(kube);
  if (getPath === undefined) {
    throw new ProviderConfigError('externalmetrics without spec.provider.address reads the cluster\'s API server, but no cluster client that can read raw paths is available here; set spec.provider.address');
  }
  return async (namespace, metric, selector) => {
    try {
      const body = await getPath(metricPath(namespace, metric), selector === undefined || selector === '' ? undefined : { labelSelector: selector });
      if (body === undefined) return { ok: false, error: `error querying external metrics API: 404 the server could not find ${metricPath(namespace, metric)} (is an external metrics adapter registered?)` };
      return { ok: true, value: body };
    } catch (error) {
      return { ok: false, error: `error querying external metrics API: ${(error as Error).message}` };
    }
  };
}

/** At `spec.provider.address` over HTTP, with the secret's bearer token. */
function addressLister(options: ProviderOptions): Lister {
  const address = addressOf(options);
  const headers: Record<string, string> = { accept: 'application/json' };
  if (options.secret?.token !== undefined) headers.authorization = `Bearer ${options.secret.token}`;
  return async (namespace, metric, selector) => {
    const url = new URL(`${address}${metricPath(namespace, metric)}`);
    if (selector !== undefined && selector !== '') url.search = new URLSearchParams({ labelSelector: selector }).toString();
    const answer = await send({ url, headers, timeoutMs: options.timeoutMs, insecureSkipVerify: options.spec.insecureSkipVerify });
    if (!answer.ok) return answer;
    if (answer.status !== 200) return { ok: false, error: `error querying external metrics API: ${answer.status} ${shorten(answer.body)}` };
    return parseJson(answer.body);
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
