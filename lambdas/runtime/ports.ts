/**
 * `buildBasePorts()`: the adapters both Lambdas use, built once per container from the config — the DynamoDB
 * store, the Scheduler schedules, each cluster's kube client (EKS token, CA) and the kick. Their SDK clients are
 * built on first use, so a container's init only reads its config. The advance Lambda adds the controller's deps
 * (`controller-ports.ts`); the watcher does not import them, so its bundle carries no metric providers, routers or
 * notifiers.
 */
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import type { AlertSender, ControllerDeps, ControllerLogEntry, MetricChecker } from '../../shared/controller/types.ts';
import type { HookCaller } from '../../shared/hooks/types.ts';
import { EksAccess } from '../../shared/kube/eks.ts';
import type { KubeClient } from '../../shared/kube/types.ts';
import { EventBridgeSchedules } from '../../shared/schedule/eventbridge.ts';
import type { SchedulePort } from '../../shared/schedule/types.ts';
import { DynamoDbCanaryStore } from '../../shared/store/dynamodb.ts';
import type { CanaryStore } from '../../shared/store/types.ts';
import type { RuntimeConfig } from './config.ts';

/** The AWS services the runtime calls. */
export type AwsService = 'dynamodb' | 'scheduler' | 'lambda' | 'sts' | 'eks' | 'sns' | 'eventbridge';

/** What can be supplied instead of the defaults (tests, `fledge local`, the real metric/hook/alert ports). */
export interface PortOverrides {
  /** Extra SDK client config per service (tests point the clients at local endpoints). @default none */
  readonly clientConfig?: (service: AwsService) => Record<string, unknown>;
  /** The kube client of a cluster. @default EKS access from `CLUSTERS` */
  readonly kube?: (cluster: string) => Promise<KubeClient>;
  readonly store?: CanaryStore;
  readonly schedules?: SchedulePort;
  /**
   * Starts the advance step at once; only the watcher kicks (see `lambdaKick`), so the advance bundle does not
   * carry the Lambda client. @default refuses, naming the missing port
   */
  readonly kick?: BasePorts['kick'];
  /** @default the real providers of `shared/metrics` (`analysisPorts`) */
  readonly metrics?: MetricChecker;
  /** @default webhooks over HTTP (`analysisPorts`) */
  readonly hooks?: HookCaller;
  /** @default the Canary's AlertProviders, the `TOPIC_ARN` topic and EventBridge (`analysisPorts`) */
  readonly alerts?: AlertSender;
  readonly log?: (entry: ControllerLogEntry) => void;
  /** Who writes history items. @default 'fledge' */
  readonly actor?: string;
}

/** The ports both Lambdas use. */
export interface BasePorts {
  readonly config: RuntimeConfig;
  readonly store: CanaryStore;
  readonly schedules: SchedulePort;
  /** The configured clusters' names. */
  readonly clusters: readonly string[];
  kube(cluster: string): Promise<KubeClient>;
  kick(event: { cluster: string; namespace: string; name: string; intervalMs: number }): Promise<void>;
}

/** The advance Lambda's ports (`buildPorts` in `controller-ports.ts`): the base ports and the controller's deps. */
export interface RuntimePorts extends BasePorts {
  /** The controller deps of a cluster, built on first use and kept. */
  controller(cluster: string): Promise<ControllerDeps>;
}

/**
 * Builds the base ports once; call it at module scope.
 * @example
 * const ports = buildBasePorts(config, { kick: lambdaKick(config) });
 * export const handler = createWatcherHandler(ports, observability);
 */
export function buildBasePorts(config: RuntimeConfig, overrides: PortOverrides = {}): BasePorts {
  const sdk = (service: AwsService) => overrides.clientConfig?.(service) ?? {};
  const store = overrides.store ?? new DynamoDbCanaryStore({ tableName: config.tableName, clientConfig: sdk('dynamodb') });
  const schedules =
    overrides.schedules ??
    new EventBridgeSchedules({
      client: () => new SchedulerClient(sdk('scheduler')),
      groupName: config.scheduleGroup,
      targetArn: config.advanceFunctionArn,
      roleArn: config.schedulerRoleArn,
      deadLetterArn: config.dlqArn,
    });
  const access = new EksAccess({ clusters: config.clusters, clientConfig: (service) => sdk(service) });
  const kube = overrides.kube ?? ((cluster: string) => access.kube(cluster));
  const kick =
    overrides.kick ??
    (async () => {
      throw new Error('buildBasePorts: no kick port; the watcher passes lambdaKick(config)');
    });
  return { config, store, schedules, clusters: config.clusters.map((c) => c.name), kube, kick };
}
