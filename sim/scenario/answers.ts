/**
 * The simulated world behind the controller's final ports: metric checks resolved and rendered for real and
 * their queries answered from the scenario's `world` (builtins from the canary pods' image, scripted lists
 * otherwise), webhooks answered by name, and a
 * notifier that records alerts. Each records what it was asked during the current tick, for the output line.
 */
import type { HookCaller, HookResult, WebhookCall } from '../../shared/hooks/index.ts';
import { GATE_HOOK_TYPES } from '../../shared/hooks/index.ts';
import type { KubeClient } from '../../shared/kube/index.ts';
import { observerPlan, RealMetricChecker, type BuiltinMetricName, type ProviderSource } from '../../shared/metrics/index.ts';
import type { MetricCheckRequest, MetricObservation, MetricProvider, MetricQueryResult } from '../../shared/metrics/index.ts';
import type { Alert, Notifier, NotifyResult } from '../../shared/notify/index.ts';
import { Script } from './script.ts';
import {
  DEFAULT_IMAGE_BEHAVIOUR,
  type AlertView,
  type ImageBehaviour,
  type MetricAnswer,
  type WebhookAnswer,
  type WebhookView,
  type WorldSpec,
} from './types.ts';

/** Finds the image of the first container of the canary's pods (the target workload), if it exists. */
export type CanaryImageLookup = (namespace: string, target: string) => Promise<string | undefined>;

/** The behaviour of `image` in `world`, with the defaults for unlisted images. */
export function imageBehaviour(world: WorldSpec, image: string): ImageBehaviour {
  return world.images[image] ?? DEFAULT_IMAGE_BEHAVIOUR;
}

/**
 * Answers metric checks like a metrics backend watching the simulated pods would, behind Fledge's real
 * resolution: builtin queries, MetricTemplates (read from the emulated cluster, with their Secrets) and inline
 * queries are resolved and rendered by the metrics room's `RealMetricChecker`, so a `templateRef` to a missing
 * MetricTemplate fails the check as it would in a cluster; only running the rendered query is the world's part.
 * It answers `request-success-rate` = 100 × (1 − errorRate) and `request-duration` = latencyMs of the canary
 * pods' image, unless the Scenario scripts the metric by name; scripted answers are consumed one per check.
 */
export class WorldMetrics {
  private readonly world: WorldSpec;
  private readonly script: Script<MetricAnswer>;
  private readonly canaryImage: CanaryImageLookup;
  private readonly checker: RealMetricChecker;

  constructor(world: WorldSpec, canaryImage: CanaryImageLookup, kube: KubeClient) {
    this.world = world;
    this.script = new Script(world.metrics);
    this.canaryImage = canaryImage;
    this.checker = new RealMetricChecker({ kube, providers: (source) => this.provider(source) });
  }

  /** Answers one metric check. */
  async check(request: MetricCheckRequest): Promise<MetricObservation> {
    return await this.checker.check(request);
  }

  /** A provider of the template's type whose every query the world answers for `source.request`. */
  private provider(source: ProviderSource): MetricProvider {
    return {
      type: source.spec.type,
      query: async () => await this.answer(source.request),
      isOnline: async () => ({ online: true }),
    };
  }

  private async answer(request: MetricCheckRequest): Promise<MetricQueryResult> {
    const builtin = request.source === 'builtin' && (request.name === 'request-success-rate' || request.name === 'request-duration');
    // A builtin query's own unit: Flagger's app-level (kubernetes, gatewayapi) duration query answers seconds.
    const unit = builtin ? observerPlan(request.observer ?? 'istio', request.name as BuiltinMetricName, request.model) : undefined;
    const perMs = unit?.kind === 'prometheus' ? unit.toMilliseconds : 1;
    const scripted = this.script.next(request.name);
    if (scripted !== undefined) return inUnit(scriptedResult(scripted), perMs);
    if (!builtin) {
      // The parser rejects such a FILE; reaching this means a Canary applied later uses an unscripted metric.
      return { kind: 'error', error: `metric ${request.name} is not scripted in spec.world.metrics` };
    }
    const image = await this.canaryImage(request.model.namespace, request.model.target);
    if (image === undefined) return { kind: 'noData', reason: `no pods of ${request.model.target}.${request.model.namespace}` };
    const behaviour = imageBehaviour(this.world, image);
    const value = request.name === 'request-success-rate' ? 100 * (1 - behaviour.errorRate) : behaviour.latencyMs;
    return inUnit({ kind: 'value', value: tidy(value) }, perMs);
  }
}

function inUnit(result: MetricQueryResult, perMs: number): MetricQueryResult {
  return result.kind === 'value' && perMs !== 1 ? { kind: 'value', value: result.value / perMs } : result;
}

function scriptedResult(answer: MetricAnswer): MetricQueryResult {
  if (answer === 'nodata') return { kind: 'noData', reason: 'no values found' };
  if (answer === 'error') return { kind: 'error', error: 'query failed (scripted)' };
  return { kind: 'value', value: answer };
}

/** Removes binary floating-point noise (100 × (1 − 0.35) is 65, not 65.00000000000001). */
function tidy(value: number): number {
  return Math.round(value * 1e9) / 1e9;
}

/**
 * Answers webhook calls by name from `world.webhooks` (an unlisted webhook passes) and records each call with
 * the phase its payload carried.
 */
export class WorldHooks implements HookCaller {
  private readonly script: Script<WebhookAnswer>;
  private calls: WebhookView[] = [];

  constructor(world: WorldSpec) {
    this.script = new Script(world.webhooks);
  }

  /** Answers one call: pass is HTTP 200, fail HTTP 500; a failed gate is `pending` (closed). */
  async call(call: WebhookCall): Promise<HookResult> {
    const answer = this.script.next(call.name) ?? 'pass';
    const statusCode = answer === 'pass' ? 200 : answer === 'fail' ? 500 : answer;
    const passed = statusCode >= 200 && statusCode <= 202;
    this.calls.push({ name: call.name, type: call.type, phase: call.payload.phase, result: passed ? 'pass' : 'fail' });
    if (passed) return { kind: 'passed', detail: '', statusCode };
    const kind = GATE_HOOK_TYPES.includes(call.type) ? 'pending' : 'failed';
    return { kind, detail: `webhook ${call.name} answered HTTP ${statusCode}`, statusCode };
  }

  /** The calls made since the last drain, in order, and forgets them. */
  drain(): WebhookView[] {
    const out = this.calls;
    this.calls = [];
    return out;
  }
}

/** A notifier that keeps every alert it is given, for the tick's `alerts`. */
export class RecordingNotifier implements Notifier {
  readonly type = 'scenario';
  private alerts: AlertView[] = [];

  /** Records the alert; always delivered. */
  async post(alert: Alert): Promise<NotifyResult> {
    this.alerts.push({ severity: alert.severity, message: alert.message });
    return { kind: 'sent' };
  }

  /** The alerts posted since the last drain, in order, and forgets them. */
  drain(): AlertView[] {
    const out = this.alerts;
    this.alerts = [];
    return out;
  }
}
