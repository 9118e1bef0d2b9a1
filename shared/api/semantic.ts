/**
 * The rules Flagger's CRD schema cannot express, checked after (and independently of) the schema: values
 * Go reads as integers, percentages, duration syntax, analysis coherence, webhook URLs, session cookies.
 * Every check is defensive about shapes, so it can run on an object that also failed the schema and all
 * problems are reported together.
 */
import { showUrlText } from '../redact.ts';
import { parseDuration, unusualDuration } from './duration.ts';
import { requiredHint } from './hints.ts';
import { broken, expectedType, required } from './messages.ts';
import { nameIssues } from './names.ts';
import type { FieldIssue, PathTokens } from './paths.ts';
import { describeValue, formatPath, isRecord } from './paths.ts';
import { providerIssues } from './provider-checks.ts';
import type { FlaggerKind } from './types.ts';
import { BUILTIN_METRICS } from './types.ts';

/** Errors and warnings of a semantic pass. */
export interface SemanticFindings {
  readonly errors: FieldIssue[];
  readonly warnings: FieldIssue[];
}

class Findings implements SemanticFindings {
  readonly errors: FieldIssue[] = [];
  readonly warnings: FieldIssue[] = [];
  readonly kind: FlaggerKind;
  constructor(kind: FlaggerKind) {
    this.kind = kind;
  }
  error(tokens: PathTokens, message: string): void {
    this.errors.push({ path: formatPath(tokens), message });
  }
  warn(tokens: PathTokens, message: string): void {
    this.warnings.push({ path: formatPath(tokens), message });
  }
  /** A required field that is missing, with what to add. */
  missing(tokens: PathTokens): void {
    this.error(tokens, required(requiredHint(this.kind, tokens)));
  }
  /** A whole number within [min, max]; Flagger decodes these into Go integers. */
  integer(value: unknown, tokens: PathTokens, min: number, max = Number.MAX_SAFE_INTEGER): void {
    if (typeof value !== 'number') return; // the schema reports non-numbers
    if (!Number.isInteger(value)) this.error(tokens, expectedType('integer', value));
    else if (value < min || value > max) {
      this.error(tokens, broken(max === Number.MAX_SAFE_INTEGER ? `must be at least ${min}` : `must be between ${min} and ${max}`, value));
    }
  }
  /** A Go duration such as 30s, 1m or 1m30s. */
  duration(value: unknown, tokens: PathTokens): number | undefined {
    if (typeof value !== 'string') return undefined;
    const ms = parseDuration(value);
    if (ms === undefined) this.error(tokens, broken('must be a duration such as 30s, 1m or 1m30s', value));
    const readAs = unusualDuration(value);
    if (readAs !== undefined) {
      this.warn(tokens, broken(`is read as ${readAs}: Go adds up the parts when units repeat or are out of order; write it as ${readAs} if that is meant`, value));
    }
    return ms;
  }
}

/** Checks what every kind needs (a name and a spec) and returns the spec, empty when it is no object. */
function commonChecks(object: Record<string, unknown>, f: Findings): Record<string, unknown> {
  const metadata = isRecord(object.metadata) ? object.metadata : {};
  if (metadata.name === undefined || metadata.name === '') f.missing(['metadata', 'name']);
  else if (typeof metadata.name !== 'string') f.error(['metadata', 'name'], expectedType('string', metadata.name));
  if (metadata.namespace !== undefined && typeof metadata.namespace !== 'string') {
    f.error(['metadata', 'namespace'], expectedType('string', metadata.namespace));
  }
  // Flagger's CRDs accept an object without spec, but there is nothing to act on.
  if (object.spec === undefined) f.missing(['spec']);
  f.errors.push(...nameIssues(f.kind, object));
  return isRecord(object.spec) ? object.spec : {};
}

/** Semantic checks of a Canary (after `canaryAnalysis` was moved to `analysis`). */
export function checkCanary(object: Record<string, unknown>): SemanticFindings {
  const f = new Findings('Canary');
  const spec = commonChecks(object, f);
  f.integer(spec.progressDeadlineSeconds, ['spec', 'progressDeadlineSeconds'], 1);
  const target = spec.targetRef;
  if (isRecord(target) && (target.kind === 'Deployment' || target.kind === 'DaemonSet') && target.apiVersion !== 'apps/v1') {
    f.warn(['spec', 'targetRef', 'apiVersion'], broken(`should be apps/v1, where Kubernetes serves ${String(target.kind)}`, target.apiVersion));
  }
  const scaler = isRecord(spec.autoscalerRef) ? spec.autoscalerRef : undefined;
  const replicas = scaler && isRecord(scaler.primaryScalerReplicas) ? scaler.primaryScalerReplicas : undefined;
  if (replicas && typeof replicas.minReplicas === 'number' && typeof replicas.maxReplicas === 'number' && replicas.minReplicas > replicas.maxReplicas) {
    f.error(['spec', 'autoscalerRef', 'primaryScalerReplicas'], `minReplicas (${replicas.minReplicas}) must not exceed maxReplicas (${replicas.maxReplicas})`);
  }
  if (isRecord(spec.service)) serviceChecks(spec.service, f);
  if (isRecord(spec.analysis)) analysisChecks(spec.analysis, f);
  f.errors.push(...providerIssues(spec));
  return f;
}

function serviceChecks(service: Record<string, unknown>, f: Findings): void {
  const at = ['spec', 'service'];
  f.integer(service.port, [...at, 'port'], 1, 65535);
  if (typeof service.targetPort === 'number') f.integer(service.targetPort, [...at, 'targetPort'], 1, 65535);
  if (service.targetPort === '') f.error([...at, 'targetPort'], broken('must be a port number or a port name', ''));
  const mirror = Array.isArray(service.mirror) ? service.mirror : [];
  mirror.forEach((filter, i) => {
    const ref = isRecord(filter) ? filter.backendRef : undefined;
    if (!isRecord(ref)) {
      f.missing([...at, 'mirror', i, 'backendRef']);
      return;
    }
    const group = ref.group ?? '';
    const kind = ref.kind ?? 'Service';
    if (group === '' && kind === 'Service' && ref.port === undefined) {
      f.missing([...at, 'mirror', i, 'backendRef', 'port']);
    }
  });
}

function analysisChecks(analysis: Record<string, unknown>, f: Findings): void {
  const at = ['spec', 'analysis'];
  const interval = f.duration(analysis.interval, [...at, 'interval']);
  if (interval !== undefined && interval < 10_000) {
    f.warn([...at, 'interval'], broken("is below Flagger's minimum of 10s, so it runs every 10s", analysis.interval));
  }
  f.integer(analysis.iterations, [...at, 'iterations'], 1);
  f.integer(analysis.threshold, [...at, 'threshold'], Number.MIN_SAFE_INTEGER);
  if (typeof analysis.threshold === 'number' && analysis.threshold <= 0) {
    f.warn([...at, 'threshold'], broken('is not positive, so Flagger uses 1', analysis.threshold));
  }
  f.integer(analysis.maxWeight, [...at, 'maxWeight'], 1, 100);
  f.integer(analysis.stepWeight, [...at, 'stepWeight'], 1, 100);
  f.integer(analysis.stepWeightPromotion, [...at, 'stepWeightPromotion'], 0, 100);
  f.integer(analysis.mirrorWeight, [...at, 'mirrorWeight'], 0, 100);
  f.integer(analysis.primaryReadyThreshold, [...at, 'primaryReadyThreshold'], 0, 100);
  f.integer(analysis.canaryReadyThreshold, [...at, 'canaryReadyThreshold'], 0, 100);
  if (analysis.mirrorWeight !== undefined && analysis.mirror !== true) {
    f.warn([...at, 'mirrorWeight'], 'has no effect without mirror: true');
  }
  stepWeightsChecks(analysis, f);
  if (Array.isArray(analysis.metrics)) analysis.metrics.forEach((m, i) => metricChecks(m, [...at, 'metrics', i], f));
  if (Array.isArray(analysis.webhooks)) webhookChecks(analysis.webhooks, f);
  const affinity = analysis.sessionAffinity;
  if (isRecord(affinity)) {
    if (typeof affinity.maxAge === 'number') f.integer(affinity.maxAge, [...at, 'sessionAffinity', 'maxAge'], 1);
    if (affinity.cookieName === '') f.error([...at, 'sessionAffinity', 'cookieName'], broken('must not be empty', ''));
    if (affinity.primaryCookieName !== undefined && affinity.primaryCookieName === affinity.cookieName) {
      f.error([...at, 'sessionAffinity', 'primaryCookieName'], `must differ from cookieName (both ${describeValue(affinity.cookieName)})`);
    }
  }
}

function stepWeightsChecks(analysis: Record<string, unknown>, f: Findings): void {
  const at = ['spec', 'analysis', 'stepWeights'];
  if (!Array.isArray(analysis.stepWeights)) return;
  const steps = analysis.stepWeights;
  if (steps.length === 0) f.error(at, 'must list at least one weight');
  steps.forEach((step, i) => {
    f.integer(step, [...at, i], 1, 100);
    const previous: unknown = steps[i - 1];
    if (i > 0 && typeof step === 'number' && typeof previous === 'number' && step <= previous) {
      f.error([...at, i], `must be greater than the step before it (${previous} then ${step})`);
    }
  });
  if (analysis.maxWeight !== undefined && steps.length > 0 && analysis.maxWeight !== Math.min(100, Number(steps[steps.length - 1]))) {
    f.warn(['spec', 'analysis', 'maxWeight'], 'is ignored with stepWeights: promotion starts after the last step');
  }
}

function metricChecks(metric: unknown, at: PathTokens, f: Findings): void {
  if (!isRecord(metric)) return;
  f.duration(metric.interval, [...at, 'interval']);
  const builtin = (BUILTIN_METRICS as readonly unknown[]).includes(metric.name);
  if (!builtin && metric.templateRef === undefined && (metric.query === undefined || metric.query === '')) {
    f.error(at, `needs templateRef or query: only ${BUILTIN_METRICS.join(' and ')} are builtin; got name ${describeValue(metric.name)}`);
  }
  if (metric.query !== undefined && metric.templateRef !== undefined) {
    f.warn([...at, 'query'], 'is ignored: templateRef is set');
  }
  const range = metric.thresholdRange;
  if (isRecord(range)) {
    if (typeof range.min === 'number' && typeof range.max === 'number' && range.min > range.max) {
      f.error([...at, 'thresholdRange'], `min (${range.min}) must not exceed max (${range.max})`);
    }
    if (range.min === undefined && range.max === undefined) f.warn([...at, 'thresholdRange'], 'sets neither min nor max: the check never fails');
    if (metric.threshold !== undefined) f.warn([...at, 'threshold'], 'is ignored: thresholdRange is set');
  } else if (metric.threshold === undefined) {
    const successRate = builtin && metric.name === 'request-success-rate';
    f.warn(at, successRate ? 'has no threshold or thresholdRange: the check never fails' : 'has no threshold or thresholdRange: any value above 0 fails the check');
  }
}

function webhookChecks(webhooks: unknown[], f: Findings): void {
  const seen = new Map<string, number>();
  webhooks.forEach((hook, i) => {
    const at = ['spec', 'analysis', 'webhooks', i];
    if (!isRecord(hook)) return;
    f.duration(hook.timeout, [...at, 'timeout']);
    f.integer(hook.retries, [...at, 'retries'], 0);
    if (typeof hook.url === 'string') {
      let url: URL | undefined;
      try {
        url = new URL(hook.url);
      } catch {
        url = undefined;
      }
      if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
        f.error([...at, 'url'], broken('must be an absolute http(s) URL', showUrlText(hook.url)));
      }
    }
    if (typeof hook.name === 'string') {
      const first = seen.get(hook.name);
      if (first !== undefined) f.warn([...at, 'name'], `repeats the name of webhooks[${first}]; results are reported by name`);
      else seen.set(hook.name, i);
    }
  });
}

/** Semantic checks of a MetricTemplate. */
export function checkMetricTemplate(object: Record<string, unknown>): SemanticFindings {
  const f = new Findings('MetricTemplate');
  const spec = commonChecks(object, f);
  if (spec.query === '') f.error(['spec', 'query'], broken('must not be empty', ''));
  const provider = isRecord(spec.provider) ? spec.provider : {};
  if (typeof provider.address === 'string' && provider.address !== '' && !URL.canParse(provider.address)) {
    f.warn(['spec', 'provider', 'address'], broken('is not an absolute URL yet', provider.address));
  }
  return f;
}

/** Semantic checks of an AlertProvider. */
export function checkAlertProvider(object: Record<string, unknown>): SemanticFindings {
  const f = new Findings('AlertProvider');
  const spec = commonChecks(object, f);
  for (const field of ['address', 'proxy'] as const) {
    const value = spec[field];
    if (typeof value === 'string' && value !== '' && !URL.canParse(value)) {
      f.warn(['spec', field], broken('is not an absolute URL yet', showUrlText(value)));
    }
  }
  return f;
}
