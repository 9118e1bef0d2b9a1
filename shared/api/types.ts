/**
 * The `flagger.app/v1beta1` API as TypeScript: `Canary` (spec + status), `MetricTemplate` and `AlertProvider`,
 * field for field as in Flagger v1.44's CRDs (`reference/flagger-crd.yaml`). Every field is optional unless the
 * CRD lists it as required; parsing (`parse.ts`) validates the rest. The canary runtime phases and the
 * persisted state live in `state.ts`, not here.
 */

import type { CanaryService } from './types-service.ts';

export * from './types-service.ts';

/** The API group and version Fledge reads. */
export const API_VERSION = 'flagger.app/v1beta1';

/** The three Flagger kinds Fledge understands. */
export const FLAGGER_KINDS = ['Canary', 'MetricTemplate', 'AlertProvider'] as const;
/** One of {@link FLAGGER_KINDS}. */
export type FlaggerKind = (typeof FLAGGER_KINDS)[number];

/** `spec.provider` values the CRD accepts (Flagger's mesh and ingress routers). */
export const CANARY_PROVIDERS = [
  'alb',
  'apisix',
  'appmesh',
  'appmesh:v1beta2',
  'contour',
  'gatewayapi:v1',
  'gatewayapi:v1beta1',
  'gloo',
  'istio',
  'knative',
  'kubernetes',
  'kuma',
  'linkerd',
  'nginx',
  'osm',
  'skipper',
  'smi:v1alpha1',
  'smi:v1alpha2',
  'smi:v1alpha3',
  'traefik',
] as const;
/** One of {@link CANARY_PROVIDERS}. */
export type CanaryProvider = (typeof CANARY_PROVIDERS)[number];

/** `spec.targetRef.kind` values. */
export const TARGET_KINDS = ['DaemonSet', 'Deployment', 'Service'] as const;
/** One of {@link TARGET_KINDS}. */
export type TargetKind = (typeof TARGET_KINDS)[number];

/** `spec.autoscalerRef.kind` values. */
export const AUTOSCALER_KINDS = ['HorizontalPodAutoscaler', 'ScaledObject'] as const;
/** One of {@link AUTOSCALER_KINDS}. */
export type AutoscalerKind = (typeof AUTOSCALER_KINDS)[number];

/** `spec.ingressRef.kind` values. */
export const INGRESS_KINDS = ['Ingress'] as const;
/** `spec.routeRef.kind` values (APISIX). */
export const ROUTE_KINDS = ['ApisixRoute'] as const;
/** `spec.upstreamRef.kind` values (Gloo). */
export const UPSTREAM_KINDS = ['Upstream'] as const;

/**
 * `spec.analysis.webhooks[].type` values. The empty string is accepted by the CRD and means `rollout`
 * (Flagger treats an untyped webhook as a rollout hook).
 */
export const WEBHOOK_TYPES = [
  '',
  'confirm-rollout',
  'pre-rollout',
  'rollout',
  'confirm-promotion',
  'post-rollout',
  'event',
  'rollback',
  'confirm-traffic-increase',
] as const;
/** One of {@link WEBHOOK_TYPES}. */
export type WebhookType = (typeof WEBHOOK_TYPES)[number];

/** `spec.analysis.alerts[].severity` values; empty means `info`. */
export const ALERT_SEVERITIES = ['', 'info', 'warn', 'error'] as const;
/** One of {@link ALERT_SEVERITIES}. */
export type AlertSeverity = (typeof ALERT_SEVERITIES)[number];

/** `AlertProvider.spec.type` values. */
export const ALERT_PROVIDER_TYPES = ['slack', 'msteams', 'discord', 'rocket', 'gchat'] as const;
/** One of {@link ALERT_PROVIDER_TYPES}. */
export type AlertProviderType = (typeof ALERT_PROVIDER_TYPES)[number];

/** `MetricTemplate.spec.provider.type` values. */
export const METRIC_PROVIDER_TYPES = [
  'prometheus',
  'influxdb',
  'datadog',
  'externalmetrics',
  'stackdriver',
  'cloudwatch',
  'newrelic',
  'graphite',
  'dynatrace',
  'keptn',
  'splunk',
] as const;
/** One of {@link METRIC_PROVIDER_TYPES}. */
export type MetricProviderType = (typeof METRIC_PROVIDER_TYPES)[number];

/** Metric names Flagger resolves without a `templateRef` (its builtin queries per provider). */
export const BUILTIN_METRICS = ['request-success-rate', 'request-duration'] as const;
/** One of {@link BUILTIN_METRICS}. */
export type BuiltinMetric = (typeof BUILTIN_METRICS)[number];

/** `spec.service.trafficDistribution` values. */
export const TRAFFIC_DISTRIBUTIONS = ['PreferClose', 'PreferSameZone', 'PreferSameNode'] as const;
/** `spec.analysis.sessionAffinity.sameSite` values. */
export const SAME_SITE_VALUES = ['Strict', 'Lax', 'None'] as const;
/** `spec.service.trafficPolicy.connectionPool.http.h2UpgradePolicy` values (Istio). */
export const H2_UPGRADE_POLICIES = ['DEFAULT', 'DO_NOT_UPGRADE', 'UPGRADE'] as const;
/** `spec.service.trafficPolicy.loadBalancer.simple` values (Istio). */
export const SIMPLE_LOAD_BALANCERS = ['ROUND_ROBIN', 'LEAST_CONN', 'RANDOM', 'PASSTHROUGH', 'LEAST_REQUEST'] as const;
/** `spec.service.trafficPolicy.tls.mode` values (Istio). */
export const TLS_MODES = ['DISABLE', 'SIMPLE', 'MUTUAL', 'ISTIO_MUTUAL'] as const;

// ---------------------------------------------------------------------------------------------------------
// Common shapes

/** The Kubernetes object metadata Fledge reads; other ObjectMeta fields are kept as they are. */
export interface ObjectMeta {
  name?: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  [field: string]: unknown;
}

/** A reference to another object by API version, kind and name. */
export interface ObjectRef<K extends string = string> {
  apiVersion: string;
  kind: K;
  name: string;
}

/** A reference to a named object, optionally in another namespace. */
export interface NamedRef {
  name: string;
  namespace?: string;
}

/** A reference to a Secret in the object's namespace. */
export interface SecretRef {
  name: string;
}

/** Istio's StringMatch: at most one of `exact`, `prefix`, `regex` (RE2). */
export interface StringMatch {
  exact?: string;
  prefix?: string;
  regex?: string;
}

/** The header match of `analysis.match`: a {@link StringMatch} that may also match a suffix; exactly one of the four. */
export interface HeaderMatch extends StringMatch {
  suffix?: string;
}

/** Labels and annotations added to a generated Service. */
export interface CustomMetadata {
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

// ---------------------------------------------------------------------------------------------------------
// Canary: spec.autoscalerRef

/** Replica bounds of the primary's copy of the autoscaler. */
export interface PrimaryScalerReplicas {
  minReplicas?: number;
  maxReplicas?: number;
}

/** `spec.autoscalerRef`: the HPA or KEDA ScaledObject Flagger copies for the primary. */
export interface AutoscalerRef extends ObjectRef<AutoscalerKind> {
  /** KEDA trigger name → query for the primary's ScaledObject. */
  primaryScalerQueries?: Record<string, string>;
  primaryScalerReplicas?: PrimaryScalerReplicas;
}

/** `spec.upstreamRef`: Gloo Upstream template. */
export interface UpstreamRef extends ObjectRef<(typeof UPSTREAM_KINDS)[number]> {
  namespace?: string;
}

// ---------------------------------------------------------------------------------------------------------
// Canary: spec.analysis

/** One A/B testing condition of `analysis.match`. */
export interface AnalysisMatch {
  headers?: Record<string, HeaderMatch>;
  queryParams?: Record<string, StringMatch>;
  sourceLabels?: Record<string, string>;
}

/** Accepted range of a metric value. */
export interface ThresholdRange {
  min?: number;
  max?: number;
}

/** One `analysis.metrics[]` check. */
export interface CanaryMetric {
  name: string;
  /** @default '1m' */
  interval?: string;
  /** Max value accepted (Flagger's legacy single threshold). */
  threshold?: number;
  thresholdRange?: ThresholdRange;
  /** Inline Prometheus query (deprecated in Flagger in favour of templates). */
  query?: string;
  templateRef?: NamedRef;
  templateVariables?: Record<string, string>;
}

/** One `analysis.webhooks[]` entry. */
export interface CanaryWebhook {
  name: string;
  /** @default 'rollout' (empty string) */
  type?: WebhookType;
  muteAlert?: boolean;
  url: string;
  /** @default '10s' */
  timeout?: string;
  retries?: number;
  disableTLS?: boolean;
  metadata?: Record<string, string>;
}

/** One `analysis.alerts[]` entry. */
export interface CanaryAlert {
  name: string;
  /** @default 'info' */
  severity?: AlertSeverity;
  providerRef: NamedRef;
}

/** `analysis.sessionAffinity`: sticky canary sessions by cookie. */
export interface SessionAffinity {
  cookieName: string;
  primaryCookieName?: string;
  domain?: string;
  httpOnly?: boolean;
  /** @default 86400 */
  maxAge?: number;
  partitioned?: boolean;
  path?: string;
  sameSite?: (typeof SAME_SITE_VALUES)[number];
  secure?: boolean;
}

/** `spec.analysis`: the schedule, traffic ladder, checks, hooks and alerts of a release. */
export interface CanaryAnalysis {
  /** @default '60s' */
  interval?: string;
  iterations?: number;
  threshold?: number;
  /** @default 100 */
  maxWeight?: number;
  stepWeight?: number;
  stepWeights?: number[];
  stepWeightPromotion?: number;
  mirror?: boolean;
  mirrorWeight?: number;
  /** @default 100 */
  primaryReadyThreshold?: number;
  /** @default 100 */
  canaryReadyThreshold?: number;
  match?: AnalysisMatch[];
  metrics?: CanaryMetric[];
  alerts?: CanaryAlert[];
  webhooks?: CanaryWebhook[];
  sessionAffinity?: SessionAffinity;
}

// ---------------------------------------------------------------------------------------------------------
// Canary

/** `Canary.spec`. */
export interface CanarySpec {
  provider?: CanaryProvider;
  metricsServer?: string;
  /** @default 600 */
  progressDeadlineSeconds?: number;
  targetRef: ObjectRef<TargetKind>;
  autoscalerRef?: AutoscalerRef;
  ingressRef?: ObjectRef<(typeof INGRESS_KINDS)[number]>;
  routeRef?: ObjectRef<(typeof ROUTE_KINDS)[number]>;
  upstreamRef?: UpstreamRef;
  service?: CanaryService;
  skipAnalysis?: boolean;
  revertOnDeletion?: boolean;
  suspend?: boolean;
  analysis: CanaryAnalysis;
}

/** One `status.conditions[]` entry. */
export interface CanaryCondition {
  type: string;
  status: string;
  reason: string;
  message?: string;
  lastTransitionTime?: string;
  lastUpdateTime?: string;
}

/**
 * `Canary.status` as Flagger writes it. In Fledge it is a mirror of the DynamoDB state, never read back
 * as truth. `phase` is one of the phases in `state.ts` (or empty).
 */
export interface CanaryStatus {
  phase?: string;
  failedChecks?: number;
  canaryWeight?: number;
  iterations?: number;
  trackedConfigs?: Record<string, string>;
  lastAppliedSpec?: string;
  lastPromotedSpec?: string;
  lastTransitionTime?: string;
  sessionAffinityCookie?: string;
  primarySessionAffinityCookie?: string;
  previousSessionAffinityCookie?: string;
  conditions?: CanaryCondition[];
}

/** A `flagger.app/v1beta1` object of kind `K`: what the three kinds share. */
export interface FlaggerResource<K extends FlaggerKind, Spec, Status = Record<string, unknown>> {
  apiVersion: typeof API_VERSION;
  kind: K;
  metadata: ObjectMeta;
  spec: Spec;
  status?: Status;
}

/** A `flagger.app/v1beta1` Canary. */
export type Canary = FlaggerResource<'Canary', CanarySpec, CanaryStatus>;

// ---------------------------------------------------------------------------------------------------------
// MetricTemplate

/** `MetricTemplate.spec.provider`: where the query runs. */
export interface MetricTemplateProvider {
  type: MetricProviderType;
  address?: string;
  /** Header name → values added to every request. */
  headers?: Record<string, string[]>;
  secretRef?: SecretRef;
  region?: string;
  insecureSkipVerify?: boolean;
}

/** `MetricTemplate.spec`. */
export interface MetricTemplateSpec {
  provider: MetricTemplateProvider;
  query: string;
}

/** A `flagger.app/v1beta1` MetricTemplate. */
export type MetricTemplate = FlaggerResource<'MetricTemplate', MetricTemplateSpec>;

// ---------------------------------------------------------------------------------------------------------
// AlertProvider

/** `AlertProvider.spec`: `type` plus exactly one of `address` or `secretRef`. */
export interface AlertProviderSpec {
  type: AlertProviderType;
  channel?: string;
  username?: string;
  address?: string;
  proxy?: string;
  secretRef?: SecretRef;
}

/** A `flagger.app/v1beta1` AlertProvider. */
export type AlertProvider = FlaggerResource<'AlertProvider', AlertProviderSpec>;

/** Any of the three Flagger objects. */
export type FlaggerObject = Canary | MetricTemplate | AlertProvider;
