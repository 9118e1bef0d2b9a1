/**
 * The defaulted view of a Canary: every value Flagger fills in when a field is absent, made explicit, so the
 * engine and `fledge explain` read one place. The raw object is never modified: `withDefaults` returns a new
 * object and keeps every field of the input.
 */
import { formatDuration, parseDuration } from './duration.ts';
import { maxWeight } from './ladder.ts';
import { deriveStrategy } from './strategy.ts';
import type { Strategy } from './strategy.ts';
import type {
  AlertSeverity,
  BuiltinMetric,
  Canary,
  CanaryAlert,
  CanaryAnalysis,
  CanaryMetric,
  CanaryProvider,
  CanaryService,
  CanarySpec,
  CanaryWebhook,
  NamedRef,
  SessionAffinity,
  WebhookType,
} from './types.ts';
import { BUILTIN_METRICS } from './types.ts';

/** Flagger's documented defaults. */
export const DEFAULTS = {
  /** Flagger's `-mesh-provider` default, used when `spec.provider` is empty. */
  provider: 'istio',
  namespace: 'default',
  intervalMs: 60_000,
  /** Flagger never runs analysis more often than every 10 s. */
  minIntervalMs: 10_000,
  threshold: 1,
  maxWeight: 100,
  mirrorWeight: 100,
  readyThreshold: 100,
  progressDeadlineSeconds: 600,
  metricInterval: '1m',
  webhookTimeout: '10s',
  webhookRetries: 0,
  cookieMaxAge: 86_400,
  portName: 'http',
  severity: 'info',
} as const;

/** A metric check with its interval, source and accepted range resolved. */
export interface DefaultedMetric extends CanaryMetric {
  interval: string;
  intervalMs: number;
  /** `builtin` (request-success-rate, request-duration), `template` (templateRef), `query` (inline PromQL). */
  source: 'builtin' | 'template' | 'query' | 'none';
  /** Accepted values, from `thresholdRange` or, failing that, the legacy `threshold`. */
  accept: { min?: number; max?: number };
  /** Unit of the value: `percent` (success rate), `milliseconds` (duration) or none. */
  unit?: 'percent' | 'milliseconds';
  templateRef?: Required<NamedRef>;
}

/** A webhook with type, timeout and retries resolved. */
export interface DefaultedWebhook extends CanaryWebhook {
  type: Exclude<WebhookType, ''>;
  timeout: string;
  timeoutMs: number;
  retries: number;
}

/** An alert with severity and provider namespace resolved. */
export interface DefaultedAlert extends CanaryAlert {
  severity: Exclude<AlertSeverity, ''>;
  providerRef: Required<NamedRef>;
}

/** The analysis with every default applied. */
export interface DefaultedAnalysis extends CanaryAnalysis {
  interval: string;
  intervalMs: number;
  threshold: number;
  /** The weight at which promotion starts (with stepWeights: the last step, capped at 100). */
  maxWeight: number;
  iterations?: number;
  mirror: boolean;
  mirrorWeight?: number;
  primaryReadyThreshold: number;
  canaryReadyThreshold: number;
  match: NonNullable<CanaryAnalysis['match']>;
  metrics: DefaultedMetric[];
  webhooks: DefaultedWebhook[];
  alerts: DefaultedAlert[];
  sessionAffinity?: SessionAffinity & { maxAge: number };
}

/** The service with name, port name and target port resolved. */
export interface DefaultedService extends CanaryService {
  name: string;
  portName: string;
  targetPort: number | string;
}

/** The spec with every default applied. */
export interface DefaultedSpec extends Omit<CanarySpec, 'analysis' | 'service'> {
  provider: CanaryProvider;
  progressDeadlineSeconds: number;
  skipAnalysis: boolean;
  suspend: boolean;
  revertOnDeletion: boolean;
  service?: DefaultedService;
  analysis: DefaultedAnalysis;
  /** The strategy the analysis runs (derived, not a Flagger field). */
  strategy: Strategy;
}

/** A Canary with its defaulted spec. */
export interface DefaultedCanary extends Omit<Canary, 'spec'> {
  metadata: Canary['metadata'] & { name: string; namespace: string };
  spec: DefaultedSpec;
}

/** Options of {@link withDefaults}. */
export interface DefaultsOptions {
  /** Provider used when `spec.provider` is empty. @default 'istio' (Flagger's default mesh provider) */
  readonly defaultProvider?: CanaryProvider;
}

/**
 * Returns the Canary as Flagger runs it: analysis interval 60 s (never below 10 s), threshold ≤ 0 → 1,
 * maxWeight 100, ready thresholds 100, progress deadline 600 s, metric interval 1m (template metrics too),
 * webhook timeout 10 s, cookie max age 86400 s, service port name `http`, target port = port. The kubernetes
 * provider's blue/green (10 iterations, no A/B match) is applied too.
 * @example withDefaults(canary).spec.analysis.intervalMs // 60000 when interval is unset
 */
export function withDefaults(canary: Canary, options: DefaultsOptions = {}): DefaultedCanary {
  const spec = canary.spec;
  const namespace = canary.metadata.namespace ?? DEFAULTS.namespace;
  const provider = spec.provider ?? options.defaultProvider ?? DEFAULTS.provider;
  const analysis = spec.analysis;
  const decision = deriveStrategy(analysis, provider);
  const intervalMs = analysisIntervalMs(analysis.interval);
  const { sessionAffinity, ...rest } = analysis;
  const defaulted: DefaultedAnalysis = {
    ...rest,
    interval: analysis.interval !== undefined && intervalMs === parseDuration(analysis.interval) ? analysis.interval : formatDuration(intervalMs),
    intervalMs,
    threshold: analysis.threshold !== undefined && analysis.threshold > 0 ? analysis.threshold : DEFAULTS.threshold,
    maxWeight: maxWeight(analysis),
    mirror: analysis.mirror ?? false,
    primaryReadyThreshold: analysis.primaryReadyThreshold ?? DEFAULTS.readyThreshold,
    canaryReadyThreshold: analysis.canaryReadyThreshold ?? DEFAULTS.readyThreshold,
    match: decision.usesMatch ? (analysis.match ?? []) : [],
    metrics: (analysis.metrics ?? []).map((metric) => defaultMetric(metric, namespace)),
    webhooks: (analysis.webhooks ?? []).map(defaultWebhook),
    alerts: (analysis.alerts ?? []).map((alert) => defaultAlert(alert, namespace)),
  };
  if (decision.iterations > 0) defaulted.iterations = decision.iterations;
  if (defaulted.mirror) defaulted.mirrorWeight = analysis.mirrorWeight ?? DEFAULTS.mirrorWeight;
  if (sessionAffinity) {
    defaulted.sessionAffinity = { ...sessionAffinity, maxAge: sessionAffinity.maxAge || DEFAULTS.cookieMaxAge };
  }
  const { service, ...specRest } = spec;
  const out: DefaultedSpec = {
    ...specRest,
    provider,
    progressDeadlineSeconds: spec.progressDeadlineSeconds ?? DEFAULTS.progressDeadlineSeconds,
    skipAnalysis: spec.skipAnalysis ?? false,
    suspend: spec.suspend ?? false,
    revertOnDeletion: spec.revertOnDeletion ?? false,
    analysis: defaulted,
    strategy: decision.strategy,
  };
  if (service) {
    out.service = {
      ...service,
      name: service.name || spec.targetRef.name,
      portName: service.portName || DEFAULTS.portName,
      targetPort: service.targetPort ?? service.port,
    };
  }
  return { ...canary, metadata: { ...canary.metadata, name: canary.metadata.name ?? '', namespace }, spec: out };
}

/** Flagger's analysis interval: 60 s when unset or unparseable, never below 10 s. */
export function analysisIntervalMs(interval: string | undefined): number {
  const parsed = interval === undefined ? undefined : parseDuration(interval);
  if (parsed === undefined) return DEFAULTS.intervalMs;
  return Math.max(parsed, DEFAULTS.minIntervalMs);
}

function isBuiltin(name: string): name is BuiltinMetric {
  return (BUILTIN_METRICS as readonly string[]).includes(name);
}

function defaultMetric(metric: CanaryMetric, namespace: string): DefaultedMetric {
  const interval = metric.interval ?? DEFAULTS.metricInterval;
  const source = metric.templateRef ? 'template' : isBuiltin(metric.name) ? 'builtin' : metric.query ? 'query' : 'none';
  const range = metric.thresholdRange;
  const accept: DefaultedMetric['accept'] = {};
  if (range) {
    if (range.min !== undefined) accept.min = range.min;
    if (range.max !== undefined) accept.max = range.max;
  } else if (source === 'builtin' && metric.name === 'request-success-rate') {
    // Flagger reads the legacy threshold as the minimum success rate, and as a maximum everywhere else.
    accept.min = metric.threshold ?? 0;
  } else {
    accept.max = metric.threshold ?? 0;
  }
  const { templateRef, ...rest } = metric;
  const out: DefaultedMetric = { ...rest, interval, intervalMs: parseDuration(interval) ?? 60_000, source, accept };
  if (source === 'builtin') out.unit = metric.name === 'request-success-rate' ? 'percent' : 'milliseconds';
  if (templateRef) out.templateRef = { name: templateRef.name, namespace: templateRef.namespace || namespace };
  return out;
}

function defaultWebhook(webhook: CanaryWebhook): DefaultedWebhook {
  const timeout = webhook.timeout || DEFAULTS.webhookTimeout;
  return {
    ...webhook,
    type: webhook.type || 'rollout',
    timeout,
    timeoutMs: parseDuration(timeout) ?? 10_000,
    retries: webhook.retries ?? DEFAULTS.webhookRetries,
  };
}

function defaultAlert(alert: CanaryAlert, namespace: string): DefaultedAlert {
  return {
    ...alert,
    severity: alert.severity || DEFAULTS.severity,
    providerRef: { name: alert.providerRef.name, namespace: alert.providerRef.namespace || namespace },
  };
}
