/**
 * Fledge's default alert channel: one SNS message per alert (`Publish`), with message attributes `severity`,
 * `canary`, `namespace`, `cluster` and `phase`, so subscribers (email, chat bots, Lambda, SQS) filter with an SNS
 * subscription filter policy, and a JSON body: `{source, cluster, namespace, canary, severity, phase, message,
 * fields, images, links}`.
 */
import { PublishCommand, type MessageAttributeValue, type SNSClient } from '@aws-sdk/client-sns';
import type { Alert, Notifier, NotifyResult } from './types.ts';
import { lazyClient, type LazyClient } from './lazy-client.ts';

/** A link added to every message; `{cluster}`, `{namespace}` and `{name}` are replaced (URL-encoded). */
export interface LinkTemplate {
  readonly title: string;
  readonly url: string;
}

/** Options of {@link SnsNotifier}. */
export interface SnsNotifierOptions {
  /** The client, or a function building it on first use (so a container that sends no alert never builds it). */
  readonly client: LazyClient<SNSClient>;
  readonly topicArn: string;
  /** Links for every message (a dashboard, a runbook). @default none */
  readonly links?: readonly LinkTemplate[];
}

/** SNS's limit on a subject. */
const MAX_SUBJECT = 100;

/**
 * Publishes alerts to one SNS topic.
 * @example
 * const sns = new SnsNotifier({ client: new SNSClient({}), topicArn: process.env.FLEDGE_TOPIC_ARN });
 */
export class SnsNotifier implements Notifier {
  readonly type = 'sns';
  readonly #options: SnsNotifierOptions;

  readonly #client: () => Promise<SNSClient>;

  constructor(options: SnsNotifierOptions) {
    this.#options = options;
    this.#client = lazyClient(options.client);
  }

  async post(alert: Alert): Promise<NotifyResult> {
    const { cluster, namespace, name } = alert.canary;
    const attributes: Record<string, MessageAttributeValue> = {};
    const attribute = (key: string, value: string | undefined): void => {
      // SNS refuses an attribute with an empty value.
      if (value !== undefined && value !== '') attributes[key] = { DataType: 'String', StringValue: value };
    };
    attribute('severity', alert.severity);
    attribute('canary', name);
    attribute('namespace', namespace);
    attribute('cluster', cluster);
    attribute('phase', alert.phase);
    try {
      await (await this.#client()).send(
        new PublishCommand({
          TopicArn: this.#options.topicArn,
          Subject: subject(`Fledge ${alert.severity}: ${name}.${namespace}`),
          Message: JSON.stringify(alertBody(alert, this.#options.links ?? [])),
          MessageAttributes: attributes,
        }),
      );
      return { kind: 'sent' };
    } catch (error) {
      return { kind: 'error', error: `SNS Publish to ${this.#options.topicArn} failed: ${sdkError(error)}` };
    }
  }
}

/** The JSON body of an alert message. */
export function alertBody(alert: Alert, links: readonly LinkTemplate[]): Record<string, unknown> {
  const { cluster, namespace, name } = alert.canary;
  return {
    source: 'fledge',
    cluster,
    namespace,
    canary: name,
    severity: alert.severity,
    ...(alert.phase === undefined ? {} : { phase: alert.phase }),
    message: alert.message,
    fields: alert.fields.map((f) => ({ name: f.name, value: f.value })),
    ...(alert.images === undefined ? {} : { images: alert.images }),
    links: links.map((link) => ({ title: link.title, url: expandLink(link.url, alert.canary) })),
  };
}

function expandLink(template: string, id: Alert['canary']): string {
  return template
    .replaceAll('{cluster}', encodeURIComponent(id.cluster))
    .replaceAll('{namespace}', encodeURIComponent(id.namespace))
    .replaceAll('{name}', encodeURIComponent(id.name));
}

/** SNS subjects are ASCII without control characters, at most 100 characters. */
function subject(text: string): string {
  const ascii = text.replace(/[^\x20-\x7e]/g, '?');
  return ascii.length <= MAX_SUBJECT ? ascii : `${ascii.slice(0, MAX_SUBJECT - 3)}...`;
}

/** An AWS SDK error as `Name: message`. */
export function sdkError(error: unknown): string {
  if (error instanceof Error) return error.name && error.name !== 'Error' ? `${error.name}: ${error.message}` : error.message;
  return String(error);
}
