/**
 * The CloudWatch metrics Fledge's functions emit in the Embedded Metric Format (Powertools `Metrics`,
 * namespace `fledge`, default dimension `service` = `POWERTOOLS_SERVICE_NAME`). The construct's alarms,
 * dashboard and `metric*` methods read these names; the runtime must emit exactly them.
 */

/** The EMF namespace of every Fledge metric. */
export const FLEDGE_METRICS_NAMESPACE = 'fledge';

/** `POWERTOOLS_SERVICE_NAME` of both functions, hence the `service` dimension of every Fledge metric. */
export const FLEDGE_SERVICE_NAME = 'fledge';

/** The dimensions every Fledge metric carries (Powertools' default `service` dimension only). */
export const FLEDGE_METRIC_DIMENSIONS = { service: FLEDGE_SERVICE_NAME } as const;

/** The metric names, each with the unit and statistic it is read with. */
export const FledgeMetric = {
  /** Count, Sum: committed steps (advance, one per step). */
  steps: 'Steps',
  /** Count, Sum: promotions finished (phase reached Succeeded). */
  promotions: 'Promotions',
  /** Count, Sum: rollbacks (phase reached Failed). */
  rollbacks: 'Rollbacks',
  /** Milliseconds, p50/p99: wall time of one step, load to commit. */
  stepDuration: 'StepDuration',
  /**
   * Seconds, Maximum: for the Progressing canary that waits longest, the time since its last committed step.
   * The watcher emits it on every pass (0 when no canary is Progressing), so it keeps coming when the advance
   * function is never invoked, which is the case this alarm exists for.
   */
  stepAge: 'StepAge',
} as const;
