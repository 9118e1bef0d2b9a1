/**
 * `buildPorts()`: every adapter the Lambdas use, built once per container from the config — the DynamoDB
 * store, the Scheduler schedules, the Lambda client for kicks, each cluster's kube client (EKS token, CA) and
 * its controller deps. This is the one module to change when a port gets its real implementation: metric
 * providers (`shared/metrics`), webhooks (`shared/hooks`) and alert fan-out (`shared/notify`) are passed in
 * through {@link PortOverrides} or replace the defaults below.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import type { AlertSender, ControllerDeps, ControllerLogEntry, MetricChecker } from '../../shared/controller/types.ts';
import { targetPorts } from '../../shared/controller/ports.ts';
import { analysisPorts } from '../../shared/controller/analysis-ports.ts';
import { TickReadMemory } from '../../shared/controller/read-memory.ts';
import type { HookCaller } from '../../shared/hooks/types.ts';
import { EksAccess } from '../../shared/kube/eks.ts';
import { EventRecorder } from '../../shared/kube/events.ts';
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
  readonly kick?: RuntimePorts['kick'];
  /** @default the real providers of `shared/metrics` ({@link analysisPorts}) */
  readonly metrics?: MetricChecker;
  /** @default webhooks over HTTP ({@link analysisPorts}) */
  readonly hooks?: HookCaller;
  /** @default the Canary's AlertProviders, the `TOPIC_ARN` topic and EventBridge ({@link analysisPorts}) */
  readonly alerts?: AlertSender;
  readonly log?: (entry: ControllerLogEntry) => void;
  /** Who writes history items. @default 'fledge' */
  readonly actor?: string;
}

/** The container's ports. */
export interface RuntimePorts {
  readonly config: RuntimeConfig;
  readonly store: CanaryStore;
  readonly schedules: SchedulePort;
  /** The configured clusters' names. */
  readonly clusters: readonly string[];
  kube(cluster: string): Promise<KubeClient>;
  /** The controller deps of a cluster, built on first use and kept. */
  controller(cluster: string): Promise<ControllerDeps>;
  kick(event: { cluster: string; namespace: string; name: string; intervalMs: number }): Promise<void>;
}

/**
 * Builds the ports once; call it at module scope.
 * @example
 * const ports = buildPorts(loadConfig());
 * export const handler = createAdvanceHandler(ports, observability);
 */
export function buildPorts(config: RuntimeConfig, overrides: PortOverrides = {}): RuntimePorts {
  const sdk = (service: AwsService) => overrides.clientConfig?.(service) ?? {};
  const store = overrides.store ?? new DynamoDbCanaryStore({ tableName: config.tableName, client: new DynamoDBClient(sdk('dynamodb')) });
  const schedules =
    overrides.schedules ??
    new EventBridgeSchedules({
      client: new SchedulerClient(sdk('scheduler')),
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
      throw new Error('buildPorts: no kick port; the watcher passes lambdaKick(config)');
    });
  const log = overrides.log;
  const controllers = new Map<string, Promise<ControllerDeps>>();
  const controller = (cluster: string): Promise<ControllerDeps> => {
    let made = controllers.get(cluster);
    if (!made) {
      made = kube(cluster).then((client) => {
        const analysis = analysisPorts({
          cluster,
          kube: client,
          topicArn: config.topicArn,
          ...(config.eventBusName === undefined ? {} : { eventBusName: config.eventBusName }),
          clientConfig: (service) => sdk(service),
          ...(log ? { log } : {}),
        });
        return {
          cluster,
          kube: client,
          store,
          portsFor: targetPorts(),
          metrics: overrides.metrics ?? analysis.metrics,
          hooks: overrides.hooks ?? analysis.hooks,
          alerts: overrides.alerts ?? analysis.alerts,
          phaseChanges: analysis.phaseChanges,
          events: new EventRecorder(client, { component: 'fledge' }),
          actor: overrides.actor ?? 'fledge',
          historyTtlSeconds: config.historyTtlDays * 86_400,
          // Lives as long as the container: a warm container's ticks read in one wave.
          readMemory: new TickReadMemory(),
          ...(log ? { log } : {}),
        };
      });
      controllers.set(cluster, made);
      made.catch(() => controllers.delete(cluster));
    }
    return made;
  };
  return { config, store, schedules, clusters: config.clusters.map((c) => c.name), kube, controller, kick };
}
