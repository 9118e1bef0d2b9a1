/**
 * The simulated world behind the controller's final ports: metric checks answered from the scenario's
 * `world` (builtins from the canary pods' image, scripted lists otherwise), webhooks answered by name, and a
 * notifier that records alerts. Each records what it was asked during the current tick, for the output line.
 */
import type { HookCaller, HookResult, WebhookCall } from '../../shared/hooks/index.ts';
import { GATE_HOOK_TYPES } from '../../shared/hooks/index.ts';
import type { MetricCheckRequest, MetricObservation, MetricQueryResult } from '../../shared/metrics/index.ts';
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

/** The provider name the world answers as, in history and messages. */
export const WORLD_PROVIDER = 'scenario';

/** Finds the image of the first container of the canary's pods (the target workload), if it exists. */
export type CanaryImageLookup = (namespace: string, target: string) => Promise<string | undefined>;

/** The behaviour of `image` in `world`, with the defaults for unlisted images. */
export function imageBehaviour(world: WorldSpec, image: string): ImageBehaviour {
  return world.images[image] ?? DEFAULT_IMAGE_BEHAVIOUR;
}

/**
 * Answers metric checks like a metrics backend watching the simulated pods would:
 * `request-success-rate` = 100 × (1 − errorRate) and `request-duration` = latencyMs of the canary pods'
 * image, unless the Scenario scripts the metric; scripted answers are consumed one per check.
 */
export class WorldMetrics {
  private readonly world: WorldSpec;
  private readonly script: Script<MetricAnswer>;
  private readonly canaryImage: CanaryImageLookup;

  constructor(world: WorldSpec, canaryImage: CanaryImageLookup) {
    this.world = world;
    this.script = new Script(world.metrics);
    this.canaryImage = canaryImage;
  }

  /** Answers one metric check. */
  async check(request: MetricCheckRequest): Promise<MetricObservation> {
    const query = `${request.name} of ${request.model.target}.${request.model.namespace}`;
    const scripted = this.script.next(request.name);
    if (scripted !== undefined) return { provider: WORLD_PROVIDER, query, result: scriptedResult(scripted) };
    if (request.name !== 'request-success-rate' && request.name !== 'request-duration') {
      // The parser rejects such a FILE; reaching this means a Canary applied later uses an unscripted metric.
      return { provider: WORLD_PROVIDER, query, result: { kind: 'error', error: `metric ${request.name} is not scripted in spec.world.metrics` } };
    }
    const image = await this.canaryImage(request.model.namespace, request.model.target);
    if (image === undefined) {
      return { provider: WORLD_PROVIDER, query, result: { kind: 'noData', reason: `no pods of ${request.model.target}.${request.model.namespace}` } };
    }
    const behaviour = imageBehaviour(this.world, image);
    const value = request.name === 'request-success-rate' ? 100 * (1 - behaviour.errorRate) : behaviour.latencyMs;
    return { provider: WORLD_PROVIDER, query, result: { kind: 'value', value: tidy(value) } };
  }
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
