/**
 * Every phase change and every alert on Amazon EventBridge (`PutEvents`, the account's default bus or a
 * configured one), as CodeDeploy and ECS publish their deployment state changes: source `fledge`, detail-types
 * `Canary Phase Change` and `Canary Alert`, so users route them with rules to any target.
 */
import { PutEventsCommand, type EventBridgeClient, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { sdkError } from './sns.ts';
import type { Alert, Notifier, NotifyResult, PhaseChange } from './types.ts';
import { lazyClient, type LazyClient } from './lazy-client.ts';

/** The `source` of Fledge's events. */
export const EVENT_SOURCE = 'fledge';
/** The detail-types of Fledge's events. */
export const DetailTypes = { phaseChange: 'Canary Phase Change', alert: 'Canary Alert' } as const;

/** Options of {@link EventBridgePublisher}. */
export interface EventBridgePublisherOptions {
  /** The client, or a function building it on first use (so a container that puts no event never builds it). */
  readonly client: LazyClient<EventBridgeClient>;
  /** The bus's name or ARN. @default the account's default bus */
  readonly eventBusName?: string;
  /** Receives the time of an alert's event (alerts carry no time of their own). @default the wall clock */
  readonly now?: () => Date;
}

/**
 * Puts Fledge's events on an event bus; as a {@link Notifier} it publishes alerts.
 * @example
 * const events = new EventBridgePublisher({ client: new EventBridgeClient({}), eventBusName: 'deployments' });
 */
export class EventBridgePublisher implements Notifier {
  readonly type = 'eventbridge';
  readonly #options: EventBridgePublisherOptions;

  readonly #client: () => Promise<EventBridgeClient>;

  constructor(options: EventBridgePublisherOptions) {
    this.#options = options;
    this.#client = lazyClient(options.client);
  }

  /** Publishes an alert as a `Canary Alert` event. */
  async post(alert: Alert): Promise<NotifyResult> {
    const { cluster, namespace, name } = alert.canary;
    const detail = {
      cluster,
      namespace,
      canary: name,
      severity: alert.severity,
      ...(alert.phase === undefined ? {} : { phase: alert.phase }),
      message: alert.message,
      fields: alert.fields.map((f) => ({ name: f.name, value: f.value })),
      ...(alert.images === undefined ? {} : { images: alert.images }),
    };
    return this.#put(DetailTypes.alert, detail, (this.#options.now ?? (() => new Date()))());
  }

  /** Publishes a committed phase change as a `Canary Phase Change` event. */
  async phaseChanged(change: PhaseChange): Promise<NotifyResult> {
    return this.#put(DetailTypes.phaseChange, phaseChangeDetail(change), new Date(change.time));
  }

  async #put(detailType: string, detail: Record<string, unknown>, time: Date): Promise<NotifyResult> {
    const entry: PutEventsRequestEntry = {
      Source: EVENT_SOURCE,
      DetailType: detailType,
      Detail: JSON.stringify(detail),
      Time: time,
      ...(this.#options.eventBusName === undefined ? {} : { EventBusName: this.#options.eventBusName }),
    };
    try {
      const out = await (await this.#client()).send(new PutEventsCommand({ Entries: [entry] }));
      const failed = out.Entries?.find((e) => e.ErrorCode !== undefined);
      if ((out.FailedEntryCount ?? 0) > 0 || failed !== undefined) {
        return { kind: 'error', error: `EventBridge PutEvents refused the ${detailType} event: ${failed?.ErrorCode ?? 'unknown'}: ${failed?.ErrorMessage ?? ''}`.trimEnd() };
      }
      return { kind: 'sent' };
    } catch (error) {
      return { kind: 'error', error: `EventBridge PutEvents failed: ${sdkError(error)}` };
    }
  }
}

/** The `detail` of a `Canary Phase Change` event. */
export function phaseChangeDetail(change: PhaseChange): Record<string, unknown> {
  const { cluster, namespace, name } = change.canary;
  const weights = (w: PhaseChange['weightsBefore']) => ({ primary: w.primary, canary: w.canary, mirrored: w.mirrored ?? false });
  return {
    cluster,
    namespace,
    canary: name,
    phaseBefore: change.phaseBefore ?? null,
    phaseAfter: change.phaseAfter,
    weightsBefore: weights(change.weightsBefore),
    weightsAfter: weights(change.weightsAfter),
    revision: change.revision ?? null,
    ...(change.images === undefined ? {} : { images: change.images }),
    message: change.message,
  };
}
