/**
 * The working memory of one step: the defaulted Canary, the draft of the next state, and the effects, events,
 * metric and webhook records collected so far. Reaching a fact the controller has not gathered throws a
 * `NeedSignal`, which `step` turns into a `needs` result: the order of checks stays one straight reading
 * instead of threading "need" results through every function, and the step is simply re-run from the start
 * with the fact added (nothing collected before the signal is kept).
 */
import { parseFledgeOptions } from '../api/annotations.ts';
import { withDefaults } from '../api/defaults.ts';
import type { DefaultedCanary, DefaultedMetric, DefaultedWebhook } from '../api/defaults.ts';
import { Phases, newCanaryState } from '../api/state.ts';
import type { CanaryState, EventRecord, MetricRecord, Phase, WebhookRecord } from '../api/state.ts';
import type { HookResult, HookType, WebhookCall } from '../hooks/types.ts';
import type { MetricCheckRequest, MetricObservation } from '../metrics/types.ts';
import type { AlertField, Severity } from '../notify/types.ts';
import { isDeleting } from './deletion.ts';
import { metricCheckRequest, metricObserver } from './metric-request.ts';
import { revisionChecksum } from './hash.ts';
import type { Names } from './messages.ts';
import type { EffectDraft, Facts, Need, StepInput } from './types.ts';

/** A writable copy of a readonly shape. */
export type Draft<T> = { -readonly [K in keyof T]: T[K] };

/** Thrown inside a step when it reaches facts it does not have; caught by `step`. */
export class NeedSignal extends Error {
  readonly needs: readonly Need[];
  constructor(needs: readonly Need[]) {
    super('step needs more facts');
    this.name = 'NeedSignal';
    this.needs = needs;
  }
}

/** A revision: the target's pod-template hash and its tracked configs' hashes. */
export interface Revision {
  readonly spec: string;
  readonly trackedConfigs: Readonly<Record<string, string>>;
}

/** One step in progress. */
export class Tick {
  readonly input: StepInput;
  readonly canary: DefaultedCanary;
  readonly facts: Facts;
  readonly now: string;
  readonly nowMs: number;
  /** The stored state, or a fresh one for a canary never seen. */
  readonly state: CanaryState;
  readonly isNew: boolean;
  readonly names: Names;
  readonly next: Draft<CanaryState>;
  readonly effects: EffectDraft[] = [];
  readonly events: EventRecord[] = [];
  readonly metricRecords: MetricRecord[] = [];
  readonly webhookRecords: WebhookRecord[] = [];
  decision = 'noop';
  message = '';

  constructor(input: StepInput) {
    this.input = input;
    this.canary = withDefaults(input.canary);
    this.facts = input.facts;
    this.now = input.now;
    this.nowMs = Date.parse(input.now);
    // A Canary created again after an earlier one of the same name was deleted starts over, as a new one.
    const ended = input.state?.phase === Phases.Terminated || input.state?.phase === Phases.Terminating;
    this.isNew = input.state === undefined || (ended && !isDeleting(input.canary));
    this.state = this.isNew ? newCanaryState(input.now) : (input.state as CanaryState);
    this.next = { ...this.state };
    const meta = this.canary.metadata;
    this.names = { name: meta.name, namespace: meta.namespace, target: this.canary.spec.targetRef.name };
  }

  get spec(): DefaultedCanary['spec'] {
    return this.canary.spec;
  }

  get analysis(): DefaultedCanary['spec']['analysis'] {
    return this.canary.spec.analysis;
  }

  /**
   * True when a failed promotion keeps traffic on the canary instead of restoring the primary
   * (`fledge.dev/promotion-failure: hold`, Flagger's behaviour).
   */
  get holdOnPromotionFailure(): boolean {
    return parseFledgeOptions(this.canary.metadata).options.promotionFailure === 'hold';
  }

  /** The revision the target runs now. */
  get current(): Revision {
    return { spec: this.facts.target.templateHash, trackedConfigs: this.facts.trackedConfigs };
  }

  /** The revision whose run last started. */
  get applied(): Revision | undefined {
    const spec = this.next.lastAppliedSpec;
    return spec === undefined ? undefined : { spec, trackedConfigs: this.next.trackedConfigs };
  }

  /** The revision last promoted. */
  get promoted(): Revision | undefined {
    const spec = this.next.lastPromotedSpec;
    if (spec === undefined) return undefined;
    return { spec, trackedConfigs: this.next.lastPromotedConfigs ?? this.next.trackedConfigs };
  }

  /** Seconds since `since` at this step's time. */
  secondsSince(since: string | undefined): number {
    if (since === undefined) return 0;
    return Math.floor((this.nowMs - Date.parse(since)) / 1000);
  }

  /** Moves to `phase`. */
  phase(phase: Phase): void {
    this.next.phase = phase;
  }

  /** Records a Normal event. */
  normal(message: string): void {
    this.event({ type: 'Normal', message });
  }

  /** Records a Warning event. */
  warning(message: string): void {
    this.event({ type: 'Warning', message });
  }

  private event(event: EventRecord): void {
    this.events.push(event);
    this.effects.push({ type: 'recordEvent', event });
  }

  /** Sends an alert; an empty severity is info. */
  alert(severity: Severity | '', message: string, fields: readonly AlertField[] = []): void {
    this.effects.push({ type: 'notify', severity: severity || 'info', message, fields });
  }

  /** Adds an effect. */
  effect(effect: EffectDraft): void {
    this.effects.push(effect);
  }

  /** Sets what the step decided, for history. */
  decide(decision: string, message: string): void {
    this.decision = decision;
    this.message = message;
  }

  /** The webhook call for `webhook`, with Flagger's payload for `phase` and `revision`. */
  call(webhook: DefaultedWebhook, phase: Phase, revision: Revision | undefined = this.applied): WebhookCall {
    const call: Draft<WebhookCall> = {
      name: webhook.name,
      type: webhook.type as HookType,
      url: webhook.url,
      timeout: webhook.timeout,
      retries: webhook.retries,
      payload: {
        name: this.names.name,
        namespace: this.names.namespace,
        phase,
        checksum: revisionChecksum(revision?.spec ?? '', revision?.trackedConfigs ?? {}),
        ...(webhook.metadata ? { metadata: { ...webhook.metadata } } : {}),
      },
    };
    if (webhook.disableTLS) call.disableTLS = true;
    if (webhook.muteAlert) call.muteAlert = true;
    return call;
  }

  /**
   * The result of calling `webhook` in this step, or a `NeedSignal` asking for it. Webhooks are asked for one
   * by one: the caller decides from this result whether the next one is called at all.
   */
  hook(webhook: DefaultedWebhook, phase: Phase, revision?: Revision): HookResult {
    const index = this.analysis.webhooks.indexOf(webhook);
    const key = `hook/${index}/${webhook.type}/${webhook.name}`;
    const result = this.facts.hooks?.[key];
    if (result === undefined) throw new NeedSignal([{ type: 'hook', key, call: this.call(webhook, phase, revision) }]);
    const outcome = result.kind === 'passed' ? 'pass' : result.kind === 'pending' ? 'pending' : 'fail';
    const record: Draft<WebhookRecord> = { name: webhook.name, type: webhook.type, outcome };
    if (result.statusCode !== undefined) record.statusCode = result.statusCode;
    if (result.detail) record.detail = result.detail;
    this.webhookRecords.push(record);
    return result;
  }

  /** The webhooks of one type, in spec order. */
  hooksOf(type: HookType): DefaultedWebhook[] {
    return this.analysis.webhooks.filter((webhook) => webhook.type === type);
  }

  /**
   * The observations of `metrics`, or a `NeedSignal` asking for every missing one at once (metric queries have
   * no side effects, so the controller may run them in parallel).
   */
  metrics(metrics: readonly DefaultedMetric[], probe = false): MetricObservation[] {
    const missing: Need[] = [];
    const found: MetricObservation[] = [];
    for (const metric of metrics) {
      const index = this.analysis.metrics.indexOf(metric);
      const key = probe ? `probe/${index}/${metric.name}` : metricKey(index, metric.name);
      const observation = this.facts.metrics?.[key];
      if (observation === undefined) {
        const request = this.metricRequest(metric);
        missing.push({ type: 'metric', key, request: probe ? { ...request, probe: true } : request });
      } else found.push(observation);
    }
    if (missing.length > 0) throw new NeedSignal(missing);
    return found;
  }

  /** The observer of builtin metrics: the provider, with Flagger's `:service` suffix for Service targets. */
  get observer(): string {
    return metricObserver(this.canary);
  }

  private metricRequest(metric: DefaultedMetric): MetricCheckRequest {
    return metricCheckRequest(this.canary, metric);
  }
}

/** The fact key of metric check `index` of `analysis.metrics`. */
export function metricKey(index: number, name: string): string {
  return `metric/${index}/${name}`;
}

/** True in the phases where a release is in flight. */
export function isActivePhase(phase: Phase): boolean {
  return (
    phase === Phases.Waiting ||
    phase === Phases.Progressing ||
    phase === Phases.WaitingPromotion ||
    phase === Phases.Promoting ||
    phase === Phases.Finalising
  );
}
