/**
 * The external metrics API (`external.metrics.k8s.io/v1beta1`), which a real API server proxies to a metrics
 * adapter (KEDA, prometheus-adapter, …) registered as an APIService. The emulator plays that adapter when given
 * a source: `GET /apis/external.metrics.k8s.io/v1beta1/namespaces/<ns>/<metric>?labelSelector=…` answers an
 * `ExternalMetricValueList` of what the source returns for that namespace, metric and selector.
 */
import { ApiError } from './errors.ts';
import type { RestResponse } from './handlers.ts';

/** One `ExternalMetricValue`: `value` is a Kubernetes quantity, e.g. `"42"` or `"500m"`. */
export interface ExternalMetricValue {
  readonly metricName: string;
  readonly metricLabels?: Readonly<Record<string, string>>;
  readonly timestamp: string;
  readonly value: string;
}

/** The adapter's answer for a namespace, metric name and label selector (`''` when none was given). */
export type ExternalMetricsSource = (namespace: string, metric: string, labelSelector: string) => readonly ExternalMetricValue[];

const PATH = /^\/apis\/external\.metrics\.k8s\.io\/v1beta1\/namespaces\/([^/]+)\/([^/]+)$/u;

/** The answer to `url` when it is an external metrics read, `undefined` for any other path. */
export function externalMetricsAnswer(url: URL, method: string, source: ExternalMetricsSource): RestResponse | undefined {
  const match = PATH.exec(url.pathname);
  if (match === null) return undefined;
  if (method !== 'GET') throw new ApiError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
  const [, namespace = '', metric = ''] = match;
  const items = source(decodeURIComponent(namespace), decodeURIComponent(metric), url.searchParams.get('labelSelector') ?? '');
  return { status: 200, body: { kind: 'ExternalMetricValueList', apiVersion: 'external.metrics.k8s.io/v1beta1', metadata: {}, items } };
}
