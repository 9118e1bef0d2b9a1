/**
 * One analysis of a Canary's metrics, now: every metric of `spec.analysis.metrics` resolved, rendered and
 * queried as a release would (the same requests as the engine's), each with its threshold and a verdict. This is
 * what `fledge analyze` prints; the verdict rule is the engine's (durations compared as whole milliseconds).
 */
import { withDefaults, type DefaultedMetric } from '../../shared/api/defaults.ts';
import type { Canary, ThresholdRange } from '../../shared/api/types.ts';
import { metricCheckRequest } from '../../shared/engine/metric-request.ts';
import type { MetricCheckRequest, MetricObservation, MetricQueryResult } from '../../shared/metrics/types.ts';

/** How one metric came out. */
export type MetricVerdict = 'pass' | 'fail' | 'noData' | 'error';

/** One metric of the report, in `--json`'s shape. */
export interface AnalyzedMetric {
  readonly name: string;
  /** The provider type that answered (`prometheus`, `cloudwatch`, …); absent when none was reached. */
  readonly provider?: string;
  /** The rendered query; absent when rendering failed. */
  readonly query?: string;
  readonly result: AnalyzedResult;
  /** The accepted range (`thresholdRange`, or the legacy `threshold` as a range). */
  readonly thresholdRange: ThresholdRange;
  readonly verdict: MetricVerdict;
}

/** A {@link MetricQueryResult} as printed: `multipleValues` carries its reason. */
export type AnalyzedResult =
  | { readonly kind: 'value'; readonly value: number }
  | { readonly kind: 'noData'; readonly reason: string }
  | { readonly kind: 'multipleValues'; readonly reason: string }
  | { readonly kind: 'error'; readonly error: string };

/** The report of one Canary. */
export interface AnalysisReport {
  /** `namespace/name`. */
  readonly canary: string;
  readonly metrics: readonly AnalyzedMetric[];
}

/** Answers checks (`RealMetricChecker` is one). */
export interface CheckRunner {
  check(request: MetricCheckRequest): Promise<MetricObservation>;
}

/** Checks every metric of `canary` with `checker`, in spec order. */
export async function analyzeCanary(canary: Canary, checker: CheckRunner): Promise<AnalysisReport> {
  const defaulted = withDefaults(canary);
  const metrics = await Promise.all(
    defaulted.spec.analysis.metrics.map(async (metric): Promise<AnalyzedMetric> => {
      const observation = await checker.check(metricCheckRequest(defaulted, metric)).catch(
        (error: unknown): MetricObservation => ({ result: { kind: 'error', error: error instanceof Error ? error.message : String(error) } }),
      );
      return {
        name: metric.name,
        ...(observation.provider === undefined ? {} : { provider: observation.provider }),
        ...(observation.query === undefined ? {} : { query: observation.query }),
        result: printable(observation.result),
        thresholdRange: metric.thresholdRange ?? { ...metric.accept },
        verdict: verdictOf(metric, observation.result),
      };
    }),
  );
  return { canary: `${defaulted.metadata.namespace}/${defaulted.metadata.name}`, metrics };
}

/** The verdict of `result` against the metric's accepted range, as the engine judges it. */
export function verdictOf(metric: DefaultedMetric, result: MetricQueryResult): MetricVerdict {
  switch (result.kind) {
    case 'noData':
      return 'noData';
    case 'multipleValues':
    case 'error':
      return 'error';
    case 'value': {
      const { min, max } = metric.accept;
      // Flagger compares request durations as whole milliseconds (Go time.Duration).
      const whole = metric.unit === 'milliseconds' ? Math.trunc : (v: number): number => v;
      const value = whole(result.value);
      if (min !== undefined && value < whole(min)) return 'fail';
      if (max !== undefined && value > whole(max)) return 'fail';
      return 'pass';
    }
    default: {
      const never: never = result;
      throw new Error(`unknown metric result ${JSON.stringify(never)}`);
    }
  }
}

function printable(result: MetricQueryResult): AnalyzedResult {
  if (result.kind !== 'multipleValues') return result;
  return { kind: 'multipleValues', reason: `query returned ${result.count ?? 'several'} values, expected one` };
}
