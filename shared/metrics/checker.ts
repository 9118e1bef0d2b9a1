/**
 * The controller's `MetricChecker` for real backends: resolves one check (builtin query of the observer,
 * `templateRef` read from the cluster with its Secret, or inline `query`), renders it with the check's model
 * and runs it on the provider. Every failure along the way (template or Secret missing, key missing, render
 * error, provider error) is the check's `error` result naming what is missing; nothing throws.
 */
import type { MetricTemplate, MetricTemplateProvider } from '../api/types.ts';
import type { KubeClient, KubeObject } from '../kube/types.ts';
import { albBuiltin, type AlbLookup } from './alb.ts';
import { ProviderConfigError } from './errors.ts';
import { realProviders, type ProviderFactory } from './factory.ts';
import { observerPlan, type BuiltinMetricName } from './observers.ts';
import { renderQuery, TemplateRenderError } from './render.ts';
import type { MetricCheckRequest, MetricObservation, MetricProvider, MetricQueryResult, MetricTemplateModel, OnlineResult } from './types.ts';

/** Flagger's default `-metrics-server`, used when a Canary has no `spec.metricsServer`. */
export const DEFAULT_METRICS_SERVER = 'http://prometheus:9090';

/** Options of {@link RealMetricChecker}. */
export interface MetricCheckerOptions {
  /** The cluster the MetricTemplates, Secrets and TargetGroupBindings are read from. */
  readonly kube: KubeClient;
  /** Builds providers. @default {@link realProviders}() */
  readonly providers?: ProviderFactory;
  /** The Prometheus of builtin and inline metrics when the Canary has no `spec.metricsServer`. @default {@link DEFAULT_METRICS_SERVER} */
  readonly metricsServer?: string;
}

/** A check resolved to a provider and a rendered query, or why it could not be. */
type Resolved =
  | { readonly ok: true; readonly provider: MetricProvider; readonly query: string; readonly scale: number }
  | { readonly ok: false; readonly observation: MetricObservation };

/**
 * Answers metric checks against real backends.
 * @example
 * const metrics = new RealMetricChecker({ kube, providers: realProviders({ amp: { region: 'eu-west-1' } }) });
 * const observation = await metrics.check(request);
 */
export class RealMetricChecker {
  private readonly kube: KubeClient;
  private readonly providers: ProviderFactory;
  private readonly metricsServer: string;

  constructor(options: MetricCheckerOptions) {
    this.kube = options.kube;
    this.providers = options.providers ?? realProviders({ kube: options.kube });
    this.metricsServer = options.metricsServer ?? DEFAULT_METRICS_SERVER;
  }

  /** Resolves, renders and runs one check. */
  async check(request: MetricCheckRequest): Promise<MetricObservation> {
    if (request.probe === true) {
      const online = await this.probe(request);
      return { result: online.online ? { kind: 'value', value: 1 } : { kind: 'error', error: online.reason } };
    }
    const resolved = await this.resolve(request);
    if (!resolved.ok) return resolved.observation;
    const provider = resolved.provider.type;
    let result: MetricQueryResult;
    try {
      result = await resolved.provider.query(resolved.query);
    } catch (error) {
      result = { kind: 'error', error: messageOf(error) };
    }
    // Seconds to milliseconds; rounded to 1e-9 so 0.5019 s reads 501.9 ms, not 501.90000000000003.
    if (result.kind === 'value' && resolved.scale !== 1) result = { kind: 'value', value: Math.round(result.value * resolved.scale * 1e9) / 1e9 };
    return { result, provider, query: resolved.query };
  }

  /** Whether the check's provider answers (Flagger's availability probe at initialization). */
  async probe(request: MetricCheckRequest): Promise<OnlineResult> {
    const resolved = await this.resolve(request);
    if (!resolved.ok) {
      const result = resolved.observation.result;
      return { online: false, reason: result.kind === 'error' ? result.error : result.kind };
    }
    try {
      return await resolved.provider.isOnline();
    } catch (error) {
      return { online: false, reason: messageOf(error) };
    }
  }

  private async resolve(request: MetricCheckRequest): Promise<Resolved> {
    try {
      switch (request.source) {
        case 'builtin':
          return await this.resolveBuiltin(request);
        case 'query':
          return await this.resolveInline(request);
        case 'template':
          return await this.resolveTemplate(request);
        default: {
          const never: never = request.source;
          return failed('prometheus', `unknown metric source ${String(never)}`);
        }
      }
    } catch (error) {
      const alb = request.source === 'builtin' && observerPlan(request.observer ?? 'istio', request.name as BuiltinMetricName, request.model).kind === 'alb';
      const provider = request.source === 'template' ? undefined : alb ? 'cloudwatch' : 'prometheus';
      return failed(provider, messageOf(error));
    }
  }

  private prometheus(request: MetricCheckRequest): MetricProvider {
    const spec: MetricTemplateProvider = { type: 'prometheus', address: request.metricsServer ?? this.metricsServer };
    return this.providers({ spec, interval: request.model.interval, request });
  }

  private async resolveBuiltin(request: MetricCheckRequest): Promise<Resolved> {
    const name = request.name as BuiltinMetricName;
    const plan = observerPlan(request.observer ?? 'istio', name, request.model);
    if (plan.kind === 'alb') {
      const lookup: AlbLookup = { kube: this.kube, providers: this.providers, request };
      const alb = await albBuiltin(lookup, name);
      if (!alb.ok) return failed('cloudwatch', alb.error);
      return { ok: true, provider: alb.provider, query: alb.query, scale: 1 };
    }
    const model = plan.observer === 'knative' ? await this.withKnativeRoute(request, plan.model) : plan.model;
    const query = collapse(renderQuery(plan.template, model));
    return { ok: true, provider: this.prometheus(request), query, scale: plan.toMilliseconds };
  }

  private async resolveInline(request: MetricCheckRequest): Promise<Resolved> {
    const template = request.metric.query;
    if (template === undefined || template === '') {
      return failed(undefined, `metric ${request.name} has no usable templateRef or query (analysis.metrics[].templateRef or .query)`);
    }
    const model = request.provider === 'knative' ? await this.withKnativeRoute(request, request.model) : request.model;
    return { ok: true, provider: this.prometheus(request), query: renderQuery(template, model), scale: 1 };
  }

  private async resolveTemplate(request: MetricCheckRequest): Promise<Resolved> {
    const ref = request.metric.templateRef;
    if (ref === undefined) return failed(undefined, `metric ${request.name} has no templateRef`);
    const namespace = ref.namespace !== undefined && ref.namespace !== '' ? ref.namespace : request.model.namespace;
    const where = `MetricTemplate ${namespace}/${ref.name}`;
    const template = await this.kube.get<MetricTemplate & KubeObject>({ apiVersion: 'flagger.app/v1beta1', kind: 'MetricTemplate', name: ref.name, namespace });
    if (template === undefined) return failed(undefined, `${where} not found (analysis.metrics[${request.name}].templateRef)`);
    const spec = template.spec?.provider;
    const type = spec?.type;
    if (spec === undefined || typeof template.spec.query !== 'string') return failed(type, `${where} has no spec.provider or spec.query`);
    let secret: Record<string, string> | undefined;
    if (spec.secretRef !== undefined) {
      const found = await this.kube.get({ apiVersion: 'v1', kind: 'Secret', name: spec.secretRef.name, namespace });
      if (found === undefined) return failed(type, `${where} secret ${namespace}/${spec.secretRef.name} not found (spec.provider.secretRef)`);
      secret = secretData(found);
    }
    let provider: MetricProvider;
    try {
      provider = this.providers({ spec, ...(secret === undefined ? {} : { secret }), interval: request.model.interval, request });
    } catch (error) {
      if (error instanceof ProviderConfigError) return failed(type, `${where} provider ${type}: ${error.message}`);
      throw error;
    }
    const model = request.provider === 'knative' ? await this.withKnativeRoute(request, request.model) : request.model;
    try {
      return { ok: true, provider, query: renderQuery(template.spec.query, model), scale: 1 };
    } catch (error) {
      if (error instanceof TemplateRenderError) return failed(type, `${where} query render error: ${error.message}`);
      throw error;
    }
  }

  /** Flagger's Knative `route`: the latest created revision of the Knative Service, unless `routeRef` names one. */
  private async withKnativeRoute(request: MetricCheckRequest, model: MetricTemplateModel): Promise<MetricTemplateModel> {
    if (model.route !== undefined && model.route !== request.model.target) return model;
    return { ...model, route: await this.knativeRevision(request) };
  }

  private async knativeRevision(request: MetricCheckRequest): Promise<string> {
    const service = await this.kube.get({ apiVersion: 'serving.knative.dev/v1', kind: 'Service', name: request.model.target, namespace: request.model.namespace });
    const revision = (service?.status as { latestCreatedRevisionName?: string } | undefined)?.latestCreatedRevisionName;
    if (revision === undefined) throw new Error(`Knative Service ${request.model.namespace}/${request.model.target} has no status.latestCreatedRevisionName`);
    return revision;
  }
}

/** A Secret's values: `data` base64-decoded, `stringData` (as written in a FILE) as is. */
export function secretData(secret: KubeObject): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries((secret.data as Record<string, string> | undefined) ?? {})) out[key] = Buffer.from(value, 'base64').toString('utf8');
  for (const [key, value] of Object.entries((secret.stringData as Record<string, string> | undefined) ?? {})) out[key] = value;
  return out;
}

function failed(provider: string | undefined, error: string): Resolved {
  return { ok: false, observation: { result: { kind: 'error', error }, ...(provider === undefined ? {} : { provider }) } };
}

/** Builtin templates are indented Go source; the query is kept as Prometheus receives it. */
function collapse(query: string): string {
  return query.replace(/\s+/gu, ' ').trim();
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
