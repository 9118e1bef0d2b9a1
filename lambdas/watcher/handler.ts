/**
 * The watcher Lambda's handler factory: one pass per configured cluster, in parallel; a cluster that fails
 * is logged and counted without holding up the others.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { watchCluster, type WatchReport } from '../../shared/controller/watch.ts';
import { canaryKeys, errorKind, errorMetric, type Observability } from '../runtime/observability.ts';
import type { BasePorts } from '../runtime/ports.ts';
import { redact } from '../runtime/redact.ts';

/** One cluster's pass, as the handler returns it. */
export interface ClusterPass {
  readonly cluster: string;
  readonly canaries?: number;
  readonly actions?: number;
  readonly failures?: number;
  readonly error?: string;
}

/**
 * The watcher handler over `ports`.
 * @example
 * export const handler = createWatcherHandler(buildBasePorts(config, { kick: lambdaKick(config) }), createObservability('fledge'));
 */
export function createWatcherHandler(ports: BasePorts, o: Observability) {
  const watch = async (_event: unknown, _context: Context): Promise<{ clusters: ClusterPass[] }> => {
    const passes = await Promise.all(ports.clusters.map((cluster) => pass(ports, o, cluster)));
    return { clusters: passes };
  };
  return middy(watch).use(injectLambdaContext(o.logger, { resetKeys: true })).use(logMetrics(o.metrics));
}

async function pass(ports: BasePorts, o: Observability, cluster: string): Promise<ClusterPass> {
  const started = Date.now();
  let report: WatchReport;
  try {
    const kube = await ports.kube(cluster);
    report = await watchCluster({ cluster, kube, store: ports.store, schedules: ports.schedules, kick: ports.kick });
  } catch (error) {
    errorMetric(o, errorKind(error));
    const message = redact(error instanceof Error ? `${error.name}: ${error.message}` : String(error));
    o.logger.error(`watch pass failed: ${message}`, { cluster });
    return { cluster, error: message };
  }
  for (const action of report.actions) o.logger.info(`${action.type}: ${action.reason}`, canaryKeys(action.id));
  // A Canary targets a kind the cluster does not serve (e.g. Knative not installed): its steps fail on their own.
  if (report.unservedKinds) o.logger.warn(`target kinds not served by the cluster: ${report.unservedKinds.join(', ')}`, { cluster });
  for (const failure of report.failures) {
    errorMetric(o, `watch-${failure.action.type}`);
    o.logger.warn(redact(`${failure.action.type} failed: ${failure.error}`), canaryKeys(failure.action.id));
  }
  o.metrics.addMetric('watchedCanaries', MetricUnit.Count, report.canaries);
  o.metrics.addMetric('watchActions', MetricUnit.Count, report.actions.length);
  o.metrics.addMetric('watchDuration', MetricUnit.Milliseconds, Date.now() - started);
  o.logger.info('watch pass done', { cluster, canaries: report.canaries, actions: report.actions.length, failures: report.failures.length });
  return { cluster, canaries: report.canaries, actions: report.actions.length, failures: report.failures.length };
}
