/**
 * The metric check the engine asks for, built from the defaulted Canary alone: the metric as written (interval
 * defaulted), its source, Flagger's template model and, for builtins, the observer. `fledge analyze` builds the
 * same requests, so what it prints is what a release would check.
 */
import type { DefaultedCanary, DefaultedMetric } from '../api/defaults.ts';
import type { MetricCheckRequest } from '../metrics/types.ts';
import type { Draft } from './tick.ts';

/** The observer of builtin metrics: the provider, with Flagger's `:service` suffix for Service targets. */
export function metricObserver(canary: DefaultedCanary): string {
  const provider = canary.spec.provider;
  return canary.spec.targetRef.kind === 'Service' ? `${provider}:service` : provider;
}

/** The request for `metric` of `canary`. */
export function metricCheckRequest(canary: DefaultedCanary, metric: DefaultedMetric): MetricCheckRequest {
  const { spec } = canary;
  const target = spec.targetRef.name;
  const { intervalMs: _ms, source, accept: _accept, unit: _unit, ...written } = metric;
  const request: Draft<MetricCheckRequest> = {
    name: metric.name,
    source: source === 'none' ? 'query' : source,
    metric: written,
    model: {
      name: canary.metadata.name,
      namespace: canary.metadata.namespace,
      target,
      service: spec.service?.name ?? target,
      ingress: spec.ingressRef?.name ?? target,
      route: spec.routeRef?.name ?? target,
      interval: metric.interval,
      variables: { ...(metric.templateVariables ?? {}) },
    },
  };
  if (source === 'builtin') request.observer = metricObserver(canary);
  if (spec.provider === 'knative') request.provider = spec.provider;
  if (spec.metricsServer) request.metricsServer = spec.metricsServer;
  return request;
}
