/**
 * The ports a tick analyses and announces through, built the same way for the Lambdas and `fledge local`:
 * metric checks on the real providers (`shared/metrics`), webhooks over HTTP (`shared/hooks`), and alerts and
 * phase changes fanned out to the Canary's AlertProviders, SNS and EventBridge (`shared/notify`).
 */
import { HttpHookCaller } from '../hooks/http.ts';
import type { KubeClient } from '../kube/types.ts';
import { RealMetricChecker } from '../metrics/checker.ts';
import { createNotifications } from '../notify/factory.ts';
import type { CanaryId } from '../api/state.ts';
import { timeLeftMs } from '../time-left.ts';
import type { AlertSender, ControllerDeps, ControllerLogEntry, PhaseChangeSink } from './types.ts';

/**
 * What a step keeps of its invocation's time after its webhooks: the metric queries, the cluster writes, the
 * commit and the announcements (each SNS, EventBridge or chat delivery is bounded by 5 s). Webhooks may use
 * the rest; a step run outside an invocation (no time left known) calls them unbounded, as Flagger does.
 */
export const AFTER_HOOKS_RESERVE_MS = 10_000;

/** The time webhooks may still take: the invocation's time left (see `shared/time-left.ts`) less {@link AFTER_HOOKS_RESERVE_MS}. */
export function hookTimeLeftMs(): number | undefined {
  const left = timeLeftMs();
  return left === undefined ? undefined : left - AFTER_HOOKS_RESERVE_MS;
}

/** Where {@link analysisPorts} sends what it does not decide itself. */
export interface AnalysisPortsOptions {
  /** The cluster's name (the `Cluster` field of alerts). */
  readonly cluster: string;
  /** The cluster's client: MetricTemplates, AlertProviders and their Secrets are read with it. */
  readonly kube: KubeClient;
  /** The SNS topic every alert goes to. @default no SNS channel */
  readonly topicArn?: string;
  /** Put phase changes and alerts on EventBridge. @default true */
  readonly eventBridge?: boolean;
  /** The event bus's name or ARN. @default the account's default bus */
  readonly eventBusName?: string;
  /** Extra config of the SNS and EventBridge clients (tests point them at local endpoints). @default none */
  readonly clientConfig?: (service: 'sns' | 'eventbridge') => Record<string, unknown>;
  /** Receives diagnostics of deliveries and webhook retries. @default nothing */
  readonly log?: (entry: ControllerLogEntry) => void;
}

/** The analysis and announcement ports of {@link ControllerDeps}. */
export type AnalysisPorts = Pick<ControllerDeps, 'metrics' | 'hooks' | 'alerts'> & { readonly phaseChanges: PhaseChangeSink };

/**
 * Builds the real analysis ports for one cluster; build them once per container and cluster.
 * @example
 * const deps = { cluster, kube, store, portsFor: targetPorts(), events, ...analysisPorts({ cluster, kube, topicArn }) };
 */
export function analysisPorts(options: AnalysisPortsOptions): AnalysisPorts {
  const { cluster, kube, log } = options;
  // Delivery and retry diagnostics concern no one canary; they are logged under the cluster.
  const about: CanaryId = { cluster, namespace: '', name: '' };
  const notifications = createNotifications({
    cluster,
    reader: kube,
    ...(options.topicArn === undefined ? {} : { topicArn: options.topicArn }),
    eventBridge: options.eventBridge ?? true,
    ...(options.eventBusName === undefined ? {} : { eventBusName: options.eventBusName }),
    ...(options.clientConfig === undefined ? {} : { clientConfig: options.clientConfig }),
    ...(log === undefined ? {} : { log: (entry) => log({ level: entry.level, message: `${entry.destination}: ${entry.message}`, canary: about }) }),
  });
  return {
    metrics: new RealMetricChecker({ kube }),
    hooks: new HttpHookCaller({
      timeLeftMs: hookTimeLeftMs,
      ...(log === undefined ? {} : { log: (entry) => log({ level: entry.level, message: `webhook ${entry.hook} (${entry.url}): ${entry.message}`, canary: about }) }),
    }),
    alerts: notifications satisfies AlertSender,
    phaseChanges: notifications,
  };
}
