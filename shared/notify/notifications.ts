/**
 * The alert fan-out (the controller's `AlertSender`) and the phase-change publisher. Every alert goes to Fledge's
 * own channels (SNS, EventBridge) and, as Flagger's `alert()` does, to each `analysis.alerts[]` provider whose
 * severity filter lets it through; every committed phase change goes to EventBridge. Each destination has its
 * own {@link Outbox}, destinations are served in parallel, and nothing here throws: a failure is logged, kept
 * for the next announcement, and never fails the step.
 *
 * Every alert carries Flagger's `Cluster` field first and, beyond Flagger, the images before and after.
 */
import { withDefaults, type DefaultedAlert } from '../api/defaults.ts';
import { parseAlertProvider } from '../api/parse.ts';
import type { AlertProviderType, Canary } from '../api/types.ts';
import { chatAddress, chatPayload } from './chat.ts';
import { Outbox, type OutboxOptions } from './outbox.ts';
import { postJson, slackRefusal } from './post.ts';
import type { Alert, AlertField, Notifier, NotifyResult, PhaseChange, Severity } from './types.ts';

/** Reads one object from the cluster (`shared/kube`'s `KubeClient` is one); undefined when it does not exist. */
export interface ObjectReader {
  get(ref: { readonly apiVersion: string; readonly kind: string; readonly name: string; readonly namespace?: string }): Promise<unknown>;
}

/** Where phase changes go (the {@link EventBridgePublisher}). */
export interface PhaseChangePublisher {
  phaseChanged(change: PhaseChange): Promise<NotifyResult>;
}

/** A diagnostic: a failed, retried or dropped delivery, or an AlertProvider that cannot be used. */
export interface NotifyLogEntry {
  readonly level: 'info' | 'warn' | 'error';
  readonly message: string;
  readonly destination: string;
}

/** Options of {@link Notifications}. */
export interface NotificationsOptions {
  /** The cluster's name: Flagger's `Cluster` field, and part of every canary id. */
  readonly cluster: string;
  /** Reads AlertProviders and their Secrets; without it `analysis.alerts` is not served. */
  readonly reader?: ObjectReader;
  /** Fledge's own channels, given every alert (SNS, EventBridge). @default none */
  readonly channels?: readonly Notifier[];
  /** Receives every committed phase change. @default none */
  readonly phaseChanges?: PhaseChangePublisher;
  /** Bounds of each destination's outbox. */
  readonly outbox?: Omit<OutboxOptions, 'log'>;
  readonly log?: (entry: NotifyLogEntry) => void;
}

/** A chat provider resolved from its AlertProvider (and Secret). */
interface ChatTarget {
  readonly key: string;
  readonly type: AlertProviderType;
  readonly address: string;
  readonly token?: string;
  readonly proxy?: string;
  readonly username: string;
  readonly channel: string;
}

/**
 * Fledge's notifications.
 * @example
 * const notifications = new Notifications({ cluster: 'prod', reader: kube, channels: [sns, events], phaseChanges: events });
 * const deps = { ..., alerts: notifications, phaseChanges: notifications };
 */
export class Notifications {
  readonly #options: NotificationsOptions;
  readonly #outboxes = new Map<string, Outbox>();

  constructor(options: NotificationsOptions) {
    this.#options = options;
  }

  /** Delivers `alert` about `canary` (undefined once the Canary is deleted: Fledge's own channels only). */
  async send(canary: Canary | undefined, alert: Alert): Promise<void> {
    const decorated: Alert = { ...alert, fields: this.#fields(alert) };
    const label = `alert "${alert.message}" for ${alert.canary.name}.${alert.canary.namespace}`;
    const deliveries: Promise<unknown>[] = (this.#options.channels ?? []).map((channel) =>
      this.#outbox(channel.type).send(label, () => channel.post(decorated)),
    );
    if (canary !== undefined) deliveries.push(this.#sendToProviders(canary, decorated, label));
    await Promise.all(deliveries);
  }

  /** Publishes a committed phase change. */
  async phaseChanged(change: PhaseChange): Promise<void> {
    const publisher = this.#options.phaseChanges;
    if (publisher === undefined) return;
    const label = `phase change ${change.phaseBefore ?? '(new)'} → ${change.phaseAfter} of ${change.canary.name}.${change.canary.namespace}`;
    await this.#outbox('eventbridge').send(label, () => publisher.phaseChanged(change));
  }

  /** How many deliveries wait in each destination's outbox. */
  pending(): Record<string, number> {
    return Object.fromEntries([...this.#outboxes].map(([key, outbox]) => [key, outbox.pending]));
  }

  #fields(alert: Alert): AlertField[] {
    const fields: AlertField[] = [];
    if (this.#options.cluster !== '') fields.push({ name: 'Cluster', value: this.#options.cluster });
    fields.push(...alert.fields);
    if (alert.images?.before !== undefined) fields.push({ name: 'Image before', value: alert.images.before });
    if (alert.images?.after !== undefined) fields.push({ name: 'Image after', value: alert.images.after });
    return fields;
  }

  async #sendToProviders(canary: Canary, alert: Alert, label: string): Promise<void> {
    const entries = withDefaults(canary).spec.analysis.alerts.filter((entry) => severityAllows(entry.severity, alert.severity));
    await Promise.all(
      entries.map(async (entry) => {
        const target = await this.#resolve(entry);
        if (target === undefined) return;
        const message = { name: alert.canary.name, namespace: alert.canary.namespace, message: alert.message, fields: alert.fields, severity: alert.severity };
        await this.#outbox(target.key).send(label, () =>
          postJson(
            {
              address: chatAddress(target.type, target.address),
              ...(target.token === undefined ? {} : { token: target.token }),
              ...(target.proxy === undefined ? {} : { proxy: target.proxy }),
              ...(target.type === 'slack' ? { refusal: slackRefusal } : {}),
            },
            chatPayload(target.type, message, { username: target.username, channel: target.channel }),
          ),
        );
      }),
    );
  }

  /** The chat target of an `analysis.alerts[]` entry, as Flagger resolves it; undefined (logged) when unusable. */
  async #resolve(entry: DefaultedAlert): Promise<ChatTarget | undefined> {
    const { name, namespace } = entry.providerRef;
    const key = `alertprovider/${namespace}/${name}`;
    const fail = (message: string): undefined => {
      this.#options.log?.({ level: 'error', message: `alert provider ${name}.${namespace} ${message}`, destination: key });
      return undefined;
    };
    const reader = this.#options.reader;
    if (reader === undefined) return fail('cannot be read: no cluster reader configured');
    let object: unknown;
    try {
      object = await reader.get({ apiVersion: 'flagger.app/v1beta1', kind: 'AlertProvider', namespace, name });
    } catch (error) {
      return fail(`error: ${messageOf(error)}`);
    }
    if (object === undefined) return fail('error: not found');
    const parsed = parseAlertProvider(object);
    if (!parsed.ok) return fail(`is invalid: ${parsed.errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`);
    const spec = parsed.value.spec;
    let address = spec.address ?? '';
    let token: string | undefined;
    if (spec.secretRef !== undefined) {
      let secret: unknown;
      try {
        secret = await reader.get({ apiVersion: 'v1', kind: 'Secret', namespace, name: spec.secretRef.name });
      } catch (error) {
        return fail(`secretRef error: ${messageOf(error)}`);
      }
      if (secret === undefined) return fail(`secretRef error: Secret ${spec.secretRef.name} not found`);
      const data = secretData(secret);
      if (data['address'] === undefined) return fail('secret does not contain an address');
      address = data['address'];
      token = data['token'];
    }
    if (address === '') return fail('has no address');
    return {
      key,
      type: spec.type,
      address,
      ...(token === undefined || token === '' ? {} : { token }),
      ...(spec.proxy === undefined || spec.proxy === '' ? {} : { proxy: spec.proxy }),
      username: spec.username || 'flagger',
      channel: spec.channel || 'general',
    };
  }

  #outbox(destination: string): Outbox {
    let outbox = this.#outboxes.get(destination);
    if (outbox === undefined) {
      const log = this.#options.log;
      outbox = new Outbox(destination, { ...this.#options.outbox, ...(log === undefined ? {} : { log: (entry) => log(entry) }) });
      this.#outboxes.set(destination, outbox);
    }
    return outbox;
  }
}

/**
 * Flagger's severity filter: an `info` entry gets every alert; a `warn` entry gets warn and error alerts; an
 * `error` entry gets error alerts.
 */
export function severityAllows(entry: Severity, alert: Severity): boolean {
  if (entry === 'info') return true;
  return entry === alert || (alert === 'error' && entry === 'warn');
}

/** A Secret's `data` (base64) and `stringData`, decoded. */
function secretData(secret: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  const object = secret as { data?: Record<string, unknown>; stringData?: Record<string, unknown> };
  for (const [key, value] of Object.entries(object.data ?? {})) if (typeof value === 'string') out[key] = Buffer.from(value, 'base64').toString('utf8');
  for (const [key, value] of Object.entries(object.stringData ?? {})) if (typeof value === 'string') out[key] = value;
  return out;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
