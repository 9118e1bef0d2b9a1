/**
 * The CloudWatch metrics Fledge's functions emit in the Embedded Metric Format (Powertools `Metrics`, namespace
 * `Fledge`, default dimension `service` = `POWERTOOLS_SERVICE_NAME`), as `lambdas/runtime/observability.ts` and
 * the watcher handler emit them. The construct's alarms, dashboard and `metric*` methods read these names; a
 * rename on either side must change both.
 */

/** The EMF namespace of every Fledge metric. */
export const FLEDGE_METRICS_NAMESPACE = 'Fledge';

/** `POWERTOOLS_SERVICE_NAME` of both functions, hence the `service` dimension of every Fledge metric. */
export const FLEDGE_SERVICE_NAME = 'fledge';

/** The dimensions every Fledge metric carries (Powertools' default `service` dimension). */
export const FLEDGE_METRIC_DIMENSIONS = { service: FLEDGE_SERVICE_NAME } as const;

/** The metric names, each with the unit and statistic it is read with. */
export const FledgeMetric = {
  /** Count, Sum: committed steps (advance, one per step). */
  steps: 'steps',
  /** Count, Sum: promotions finished (phase reached Succeeded). */
  promotions: 'promotions',
  /** Count, Sum: rollbacks (phase reached Failed). */
  rollbacks: 'rollbacks',
  /** Milliseconds, p50/p99: wall time of one step. */
  stepDuration: 'stepDuration',
  /** Count, Sum: errors, with a second dimension `kind` (effect, invalid, announcement, watch-…). */
  errors: 'errors',
  /** Milliseconds: one watch pass of one cluster. */
  watchDuration: 'watchDuration',
  /**
   * Seconds, Maximum: for the Progressing canary that waits longest, the time since its last committed step.
   * The watcher emits it on every pass (0 when no canary is Progressing), so it keeps coming when the advance
   * function is never invoked, which is the case the stuck-canary alarm exists for.
   */
  stepAge: 'stepAge',
} as const;
