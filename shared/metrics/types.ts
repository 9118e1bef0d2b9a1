/**
 * The metric port: what a metric provider answers (Prometheus, CloudWatch, Datadog, …) and the shape in which
 * the engine asks for one metric check and receives its answer. Providers return results, never throw for a
 * failed query: "no values" is its own outcome (Flagger's `ErrNoValuesFound`), as is an ambiguous answer.
 */
import type { CanaryMetric, MetricProviderType } from '../api/types.ts';

/**
 * The outcome of one query.
 * - `value`: a single finite number.
 * - `noData`: the provider found no sample (Flagger's "no values found"), or the value was NaN; `reason` says
 *   which, in the provider's words.
 * - `multipleValues`: the query returned more than one series where one was expected.
 * - `error`: the query could not be run or answered (HTTP error, bad credentials, timeout, template missing).
 */
export type MetricQueryResult =
  | { readonly kind: 'value'; readonly value: number }
  | { readonly kind: 'noData'; readonly reason: string }
  | { readonly kind: 'multipleValues'; readonly count?: number }
  | { readonly kind: 'error'; readonly error: string };

/** Whether a provider answers at all; `reason` explains an offline one. */
export type OnlineResult = { readonly online: true } | { readonly online: false; readonly reason: string };

/** One metric backend, built from a MetricTemplate's `spec.provider` (or the builtin Prometheus). */
export interface MetricProvider {
  /** The provider type, e.g. `prometheus`. */
  readonly type: MetricProviderType;
  /** Runs an already rendered query and reduces the answer to one number. */
  query(rendered: string): Promise<MetricQueryResult>;
  /** Checks the backend is reachable and the credentials work. */
  isOnline(): Promise<OnlineResult>;
}

/**
 * The variables a query template is rendered with: Flagger's `MetricTemplateModel` (`{{ name }}`,
 * `{{ namespace }}`, `{{ target }}`, `{{ service }}`, `{{ ingress }}`, `{{ interval }}`, `{{ variables.x }}`).
 */
export interface MetricTemplateModel {
  /** The Canary's name. */
  readonly name: string;
  readonly namespace: string;
  /** `spec.targetRef.name`. */
  readonly target: string;
  /** `spec.service.name`, else the target's name. */
  readonly service: string;
  /** `spec.ingressRef.name`, else the target's name. */
  readonly ingress: string;
  /**
   * `spec.routeRef.name`, else the target's name; for Knative, the latest created revision (Flagger's `route`).
   * @default the target's name
   */
  readonly route?: string;
  /** The metric's interval, e.g. `1m`. */
  readonly interval: string;
  /** `templateVariables` of the metric. */
  readonly variables: Readonly<Record<string, string>>;
}

/**
 * How a metric is resolved:
 * - `builtin`: `request-success-rate` or `request-duration`, Flagger's per-provider Prometheus queries;
 * - `template`: a `templateRef` to a MetricTemplate (any provider);
 * - `query`: a deprecated inline Prometheus `query` (the name `shared/api`'s defaults use too).
 */
export type MetricSource = 'builtin' | 'template' | 'query';

/**
 * One metric check the engine asks for. The metrics room resolves it (reads the template and its secret,
 * renders the query with `model`, runs it) and answers with a {@link MetricObservation}.
 */
export interface MetricCheckRequest {
  /** `analysis.metrics[].name`. */
  readonly name: string;
  readonly source: MetricSource;
  /** The metric as written in the Canary, with `interval` defaulted (1m, also for template metrics). */
  readonly metric: CanaryMetric;
  readonly model: MetricTemplateModel;
  /**
   * For builtin metrics, the observer whose query template applies: the mesh/ingress provider (`istio`,
   * `nginx`, …), with Flagger's `:service` suffix when the target is a Service.
   */
  readonly observer?: string;
  /** The Canary's provider (`spec.provider`, defaulted); Knative Canaries render `route` as their latest revision. */
  readonly provider?: string;
  /** `spec.metricsServer`, the Prometheus address for builtin and inline metrics, when set. */
  readonly metricsServer?: string;
  /**
   * Ask whether the metric's provider answers (Flagger's availability probe at initialization) instead of running
   * the query: the result is `value` 1 when it does, `error` with the reason when not. @default false
   */
  readonly probe?: boolean;
}

/** The answer to a {@link MetricCheckRequest}: the result plus what is worth keeping in history. */
export interface MetricObservation {
  readonly result: MetricQueryResult;
  /** The provider type that answered, e.g. `prometheus`; used in messages such as "Prometheus query failed". */
  readonly provider?: string;
  /** The rendered query, kept in history. */
  readonly query?: string;
}
