/**
 * One call that builds Fledge's notifications from configuration, for the advance Lambda and `fledge local`:
 * SNS when a topic is configured (the default channel), EventBridge unless turned off, chat AlertProviders read
 * through `reader`. The SDK clients get short timeouts and one retry, so a slow AWS endpoint cannot hold a step:
 * what fails waits in the outbox for the next announcement. The clients are built on the first alert or phase change:
 * most advance invocations send neither. The SDK modules are imported statically, naming the one command each
 * sends: an `import()` of a package keeps every command of it in the Lambda bundle (esbuild cannot tree-shake a
 * dynamic import), which measured slower to load than evaluating the few modules used (issue 10 benchmark).
 */
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SNSClient } from '@aws-sdk/client-sns';
import { EventBridgePublisher } from './eventbridge.ts';
import { Notifications, type NotifyLogEntry, type ObjectReader } from './notifications.ts';
import type { OutboxOptions } from './outbox.ts';
import { SnsNotifier, type LinkTemplate } from './sns.ts';
import type { Notifier } from './types.ts';

/** Configuration of {@link createNotifications}. */
export interface NotificationsConfig {
  /** The cluster's name (Flagger's `Cluster` field). */
  readonly cluster: string;
  /** Reads AlertProviders and their Secrets (the controller's kube client). */
  readonly reader?: ObjectReader;
  /** The SNS topic every alert is published to. @default no SNS channel */
  readonly topicArn?: string;
  /** Publish phase changes and alerts to EventBridge. @default true */
  readonly eventBridge?: boolean;
  /** The event bus's name or ARN. @default the account's default bus */
  readonly eventBusName?: string;
  /** Links added to every SNS message. @default none */
  readonly links?: readonly LinkTemplate[];
  /** The AWS region of both clients. @default the SDK's default chain (AWS_REGION) */
  readonly region?: string;
  /** Clients to use instead of building them (tests point them at local endpoints). */
  readonly snsClient?: SNSClient;
  readonly eventBridgeClient?: EventBridgeClient;
  /** Extra config of the clients built on first use (tests point them at local endpoints). @default none */
  readonly clientConfig?: (service: 'sns' | 'eventbridge') => Record<string, unknown>;
  readonly outbox?: Omit<OutboxOptions, 'log'>;
  readonly log?: (entry: NotifyLogEntry) => void;
}

/** How long one AWS call may take before it is left to the outbox. */
const AWS_TIMEOUTS = { connectionTimeout: 2000, requestTimeout: 5000 } as const;

/**
 * Fledge's notifications from `config`; the same object is the controller's `alerts` and `phaseChanges`.
 * @example
 * const notifications = createNotifications({ cluster: 'prod', reader: kube, topicArn: process.env.FLEDGE_TOPIC_ARN });
 * const deps = { ...ports, alerts: notifications, phaseChanges: notifications };
 */
export function createNotifications(config: NotificationsConfig): Notifications {
  const clientConfig = { ...(config.region === undefined ? {} : { region: config.region }), maxAttempts: 2, requestHandler: AWS_TIMEOUTS };
  const channels: Notifier[] = [];
  if (config.topicArn !== undefined && config.topicArn !== '') {
    channels.push(new SnsNotifier({ client: config.snsClient ?? (async () => new SNSClient({ ...clientConfig, ...config.clientConfig?.('sns') })), topicArn: config.topicArn, ...(config.links === undefined ? {} : { links: config.links }) }));
  }
  let events: EventBridgePublisher | undefined;
  if (config.eventBridge ?? true) {
    events = new EventBridgePublisher({
      client: config.eventBridgeClient ?? (async () => new EventBridgeClient({ ...clientConfig, ...config.clientConfig?.('eventbridge') })),
      ...(config.eventBusName === undefined ? {} : { eventBusName: config.eventBusName }),
    });
    channels.push(events);
  }
  return new Notifications({
    cluster: config.cluster,
    ...(config.reader === undefined ? {} : { reader: config.reader }),
    channels,
    ...(events === undefined ? {} : { phaseChanges: events }),
    ...(config.outbox === undefined ? {} : { outbox: config.outbox }),
    ...(config.log === undefined ? {} : { log: config.log }),
  });
}
