/**
 * Powertools Logger and Metrics for both Lambdas: JSON log lines carrying cluster/namespace/canary keys,
 * EMF metrics (steps, promotions, rollbacks, step duration, errors by kind), nothing unredacted.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { CanaryId } from '../../shared/api/state.ts';
import type { AdvanceResult, ControllerLogEntry } from '../../shared/controller/types.ts';
import { redact } from './redact.ts';

/** The metric namespace of every Fledge metric. */
export const METRIC_NAMESPACE = 'Fledge';

export interface Observability {
  readonly logger: Logger;
  readonly metrics: Metrics;
}

/** One logger and one metrics object per container. */
export function createObservability(serviceName: string): Observability {
  return {
    logger: new Logger({ serviceName }),
    metrics: new Metrics({ namespace: METRIC_NAMESPACE, serviceName }),
  };
}

/** The controller's diagnostics as log lines with the canary's keys. */
export function controllerLog(logger: Logger): (entry: ControllerLogEntry) => void {
  return (entry) => {
    const line = { ...canaryKeys(entry.canary), ...(entry.detail instanceof Error ? { error: redact(entry.detail.message) } : {}) };
    logger[entry.level](redact(entry.message), line);
  };
}

/** The keys every line about a canary carries. */
export function canaryKeys(id: CanaryId): { cluster: string; namespace: string; canary: string } {
  return { cluster: id.cluster, namespace: id.namespace, canary: id.name };
}

/** Records one step's metrics and logs its outcome. */
export function recordStep(o: Observability, result: AdvanceResult, durationMs: number): void {
  o.metrics.addMetric('stepDuration', MetricUnit.Milliseconds, durationMs);
  switch (result.kind) {
    case 'advanced': {
      o.metrics.addMetric('steps', MetricUnit.Count, 1);
      const { phaseBefore, next, decision, message } = result.step;
      if (next.phase === 'Succeeded' && phaseBefore !== 'Succeeded') o.metrics.addMetric('promotions', MetricUnit.Count, 1);
      if (next.phase === 'Failed' && phaseBefore !== 'Failed') o.metrics.addMetric('rollbacks', MetricUnit.Count, 1);
      o.logger.info(redact(message), { decision, phaseBefore, phase: next.phase, canaryWeight: next.canaryWeight, version: result.version, durationMs });
      for (const problem of result.problems) {
        errorMetric(o, 'announcement');
        o.logger.warn(redact(problem));
      }
      return;
    }
    case 'effectFailed':
      errorMetric(o, 'effect');
      o.logger.warn(redact(`${result.effect.type} failed: ${result.error}`), { decision: result.step.decision });
      return;
    case 'conflict':
      o.logger.info('another invocation committed this step first');
      return;
    case 'superseded':
      o.logger.info('a step was committed since this firing was checked; nothing to do');
      return;
    case 'notFound':
      o.logger.info('canary not found');
      return;
    case 'invalid':
      errorMetric(o, 'invalid');
      o.logger.warn('canary is invalid', { errors: result.errors.map((e) => redact(`${e.path}: ${e.message}`)) });
      return;
    default: {
      const never: never = result;
      throw new Error(`unknown advance result ${JSON.stringify(never)}`);
    }
  }
}

/** Counts one error of `kind` (a dimension, so each kind is its own series). */
export function errorMetric(o: Observability, kind: string): void {
  const single = o.metrics.singleMetric();
  single.addDimension('kind', kind);
  single.addMetric('errors', MetricUnit.Count, 1);
}

/** The error kind dimension: the error's class, e.g. `KubeUnavailableError`, `StoreError`, `ScheduleError`. */
export function errorKind(error: unknown): string {
  return error instanceof Error ? error.name : 'unknown';
}
