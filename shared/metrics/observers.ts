/**
 * Which builtin queries answer `request-success-rate` and `request-duration` for an observer (the Canary's
 * provider, with `:service` for Service targets), chosen as Flagger's `observers.Factory` chooses: exact names
 * for most providers, prefixes for `appmesh`, `gloo` and `gatewayapi`, Istio for anything else (which is why
 * Flagger's `kubernetes:service` runs Istio's queries; Fledge keeps that so both report the same numbers).
 * `alb` is Fledge's own: CloudWatch metrics of the canary's target group, no Prometheus.
 */
import { BUILTIN_QUERIES, type PrometheusObserver } from './builtin-queries.ts';
import type { MetricTemplateModel } from './types.ts';

/** The builtin metric names. */
export type BuiltinMetricName = 'request-success-rate' | 'request-duration';

/** How an observer's builtin metrics are answered. */
export type ObserverPlan =
  | {
      readonly kind: 'prometheus';
      readonly observer: PrometheusObserver;
      /** The query template. */
      readonly template: string;
      /** Multiplies the query's value into milliseconds for `request-duration` (1000 for seconds). */
      readonly toMilliseconds: number;
      /** The model as the observer renders it (Skipper replaces non-word characters). */
      readonly model: MetricTemplateModel;
    }
  | { readonly kind: 'alb' };

const EXACT: Readonly<Record<string, PrometheusObserver>> = {
  linkerd: 'linkerd',
  istio: 'istio',
  contour: 'contour',
  nginx: 'nginx',
  kubernetes: 'http',
  skipper: 'skipper',
  traefik: 'traefik',
  osm: 'osm',
  kuma: 'kuma',
  apisix: 'apisix',
  knative: 'knative',
};

const PREFIXES: readonly (readonly [string, PrometheusObserver])[] = [
  ['appmesh', 'appmesh'],
  ['gloo', 'gloo'],
  ['gatewayapi', 'http'],
];

/** The query family of `observer`, as Flagger's factory picks it. */
export function prometheusObserverFor(observer: string): PrometheusObserver {
  const exact = EXACT[observer];
  if (exact !== undefined) return exact;
  const prefixed = PREFIXES.find(([prefix]) => observer.startsWith(prefix));
  return prefixed === undefined ? 'istio' : prefixed[1];
}

/** How `metric` is answered for `observer`, with the model the query is rendered with. */
export function observerPlan(observer: string, metric: BuiltinMetricName, model: MetricTemplateModel): ObserverPlan {
  if (observer === 'alb' || observer.startsWith('alb:')) return { kind: 'alb' };
  const family = prometheusObserverFor(observer);
  // Flagger's HTTP observer reads seconds and converts; every other family already answers in milliseconds.
  const toMilliseconds = metric === 'request-duration' && family === 'http' ? 1000 : 1;
  return {
    kind: 'prometheus',
    observer: family,
    template: BUILTIN_QUERIES[family][metric],
    toMilliseconds,
    model: family === 'skipper' ? skipperModel(model) : model,
  };
}

/** Skipper names its routes with every non-word character replaced by `_` (Flagger's `encodeModelForSkipper`). */
function skipperModel(model: MetricTemplateModel): MetricTemplateModel {
  const encode = (value: string): string => value.replace(/\W/gu, '_');
  return {
    ...model,
    name: encode(model.name),
    namespace: encode(model.namespace),
    target: encode(model.target),
    service: encode(model.service),
    ingress: encode(model.ingress),
  };
}
