/**
 * Webhook gates and checks, and the metric analysis, in Flagger's order and with Flagger's events. Each
 * function reads its facts through the tick, which asks the controller for any it does not have yet.
 */
import type { DefaultedMetric } from '../api/defaults.ts';
import { Phases } from '../api/state.ts';
import type { MetricOutcome, MetricRecord, Phase } from '../api/state.ts';
import type { HookResult } from '../hooks/types.ts';
import type { MetricObservation } from '../metrics/types.ts';
import { events } from './messages.ts';
import type { Split } from './outcomes.ts';
import type { Draft, Revision, Tick } from './tick.ts';

/**
 * confirm-rollout gates, asked before the canary is scaled up. The first closed gate moves the canary to
 * Waiting (event and warn alert when it enters Waiting) and returns false.
 */
export function confirmRollout(t: Tick, revision: Revision): boolean {
  for (const gate of t.hooksOf('confirm-rollout')) {
    const result = t.hook(gate, t.state.phase, revision);
    if (result.kind !== 'passed') {
      if (t.state.phase !== Phases.Waiting) {
        t.phase(Phases.Waiting);
        t.next.idlePhase = t.state.phase;
        const message = events.haltWaitingApproval(t.names, gate.name);
        t.warning(message);
        if (!gate.muteAlert) t.alert('warn', message);
      }
      t.decide('wait', `waiting for approval ${gate.name}`);
      return false;
    }
    t.normal(events.confirmRolloutPassed(gate.name));
  }
  return true;
}

/**
 * confirm-promotion gates, asked when the analysis is complete. The first closed gate moves the canary to
 * WaitingPromotion (metrics and rollback hooks keep running there) and returns false.
 */
export function confirmPromotion(t: Tick): boolean {
  for (const gate of t.hooksOf('confirm-promotion')) {
    const result = t.hook(gate, Phases.Progressing);
    if (result.kind !== 'passed') {
      if (t.state.phase !== Phases.WaitingPromotion) {
        t.phase(Phases.WaitingPromotion);
        const message = events.haltWaitingPromotionApproval(t.names, gate.name);
        t.warning(message);
        if (!gate.muteAlert) t.alert('warn', message);
      }
      t.decide('wait', `waiting for promotion approval ${gate.name}`);
      return false;
    }
    t.normal(events.confirmPromotionPassed(gate.name));
  }
  return true;
}

/** confirm-traffic-increase gates, asked right before the canary weight goes up. */
export function confirmTrafficIncrease(t: Tick): boolean {
  for (const gate of t.hooksOf('confirm-traffic-increase')) {
    const result = t.hook(gate, Phases.Progressing);
    if (result.kind !== 'passed') {
      const message = events.haltWaitingTrafficIncreaseApproval(t.names, gate.name);
      t.warning(message);
      if (!gate.muteAlert) t.alert('warn', message);
      t.decide('wait', `waiting for traffic increase approval ${gate.name}`);
      return false;
    }
    t.normal(events.confirmTrafficIncreasePassed(gate.name));
  }
  return true;
}

/** rollback hooks: true as soon as one answers 2xx ("Rollback check … passed"). */
export function rollbackRequested(t: Tick, phase: Phase): boolean {
  for (const hook of t.hooksOf('rollback')) {
    const result = t.hook(hook, phase);
    if (result.kind === 'passed') {
      t.warning(events.rollbackCheckPassed(hook.name));
      return true;
    }
    t.normal(events.rollbackHookNotSignaling(hook.name));
  }
  return false;
}

/**
 * What one analysis round found: `passed`, `failed` (counts one failed check), or `inProgress` (a pre-rollout or
 * rollout hook answered `{"status":"IN_PROGRESS"}`: not done yet, so the step waits without a failed check).
 */
export type AnalysisRound = 'passed' | 'failed' | 'inProgress';

/**
 * One analysis round. On the first step of a run (no traffic, no iteration, no mirroring yet): "Starting
 * canary analysis" and the pre-rollout hooks. Later: rollout hooks, then builtin and inline metrics, then
 * template metrics. Stops at the first failure, after its "Halt …" event, or at the first hook in progress.
 */
export function analysisRound(t: Tick, split: Split): AnalysisRound {
  const firstStep = split.canary === 0 && t.next.iterations === 0 && !(t.analysis.mirror && split.mirrored);
  if (firstStep) {
    t.normal(events.startingAnalysis(t.names));
    for (const hook of t.hooksOf('pre-rollout')) {
      const result = t.hook(hook, Phases.Progressing);
      if (result.kind === 'pending') return checkInProgress(t, 'pre-rollout', hook.name, result);
      if (result.kind !== 'passed') {
        t.warning(events.haltPreRolloutFailed(t.names, hook.name, result.detail));
        return 'failed';
      }
      t.normal(events.preRolloutPassed(hook.name));
    }
    return 'passed';
  }
  for (const hook of t.hooksOf('rollout')) {
    const result = t.hook(hook, Phases.Progressing);
    if (result.kind === 'pending') return checkInProgress(t, 'rollout', hook.name, result);
    if (result.kind !== 'passed') {
      t.warning(events.haltExternalCheckFailed(t.names, hook.name, result.detail));
      return 'failed';
    }
  }
  const metrics = t.analysis.metrics;
  const ordered = [
    ...metrics.filter((m) => m.source === 'builtin' || m.source === 'query'),
    ...metrics.filter((m) => m.source === 'template'),
  ];
  const observations = t.metrics(ordered);
  let passed = true;
  ordered.forEach((metric, i) => {
    const observation = observations[i] as MetricObservation;
    const verdict = judge(t, metric, observation);
    t.metricRecords.push(verdict.record);
    if (passed && verdict.halt !== undefined) {
      t.warning(verdict.halt);
      passed = false;
    }
  });
  return passed ? 'passed' : 'failed';
}

/** A check hook that is still working (Fledge's IN_PROGRESS answer): a Normal event, and the step waits. */
function checkInProgress(t: Tick, type: 'pre-rollout' | 'rollout', hook: string, result: HookResult): AnalysisRound {
  t.normal(events.haltCheckInProgress(t.names, type, hook, result.retryAfterSeconds));
  t.decide('wait', `${type} check ${hook} in progress`);
  return 'inProgress';
}

interface Verdict {
  readonly record: MetricRecord;
  /** The "Halt …" event when the metric fails the check. */
  readonly halt?: string;
}

/** Holds one observation against the metric's accepted range, with Flagger's message for a failure. */
function judge(t: Tick, metric: DefaultedMetric, observation: MetricObservation): Verdict {
  const result = finiteOrNoData(observation.result);
  const base = (outcome: MetricOutcome, value: number | null, detail?: string): MetricRecord => {
    const record: Draft<MetricRecord> = { name: metric.name, value, outcome };
    if (metric.thresholdRange) record.thresholdRange = metric.thresholdRange;
    else record.thresholdRange = { ...metric.accept };
    const shown = detail ?? observation.query;
    if (shown !== undefined && shown !== '') record.detail = shown;
    if (observation.query !== undefined && observation.query !== '') record.query = observation.query;
    if (observation.provider !== undefined) record.provider = observation.provider;
    return record;
  };
  switch (result.kind) {
    case 'noData': {
      const halt =
        metric.source === 'builtin'
          ? events.haltNoValuesBuiltin(t.names, t.observer, metric.name)
          : metric.source === 'template'
            ? events.haltNoValuesTemplate(metric.name, result.reason)
            : events.haltNoValuesQuery(metric.name);
      return { record: base('noData', null, result.reason), halt };
    }
    case 'multipleValues':
    case 'error': {
      const error = result.kind === 'error' ? result.error : `query returned ${result.count ?? 'several'} values, expected one`;
      const halt =
        metric.source === 'builtin'
          ? events.builtinQueryFailed(error)
          : metric.source === 'template'
            ? events.templateQueryFailed(metric.name, error)
            : events.queryFailed(metric.name, error);
      return { record: base('error', null, error), halt };
    }
    case 'value':
      return judgeValue(t, metric, result.value, base);
    default: {
      const never: never = result;
      throw new Error(`unknown metric result ${JSON.stringify(never)}`);
    }
  }
}

/** NaN and ±Infinity (a 0/0 ratio, a division by an empty rate) are no measurement: never compared. */
function finiteOrNoData(result: MetricObservation['result']): MetricObservation['result'] {
  if (result.kind !== 'value' || Number.isFinite(result.value)) return result;
  return { kind: 'noData', reason: `the query returned ${String(result.value)}, not a number` };
}

function judgeValue(
  t: Tick,
  metric: DefaultedMetric,
  value: number,
  base: (outcome: MetricOutcome, value: number | null, detail?: string) => MetricRecord,
): Verdict {
  const { min, max } = metric.accept;
  // Flagger compares request durations as whole milliseconds (Go time.Duration).
  const duration = metric.unit === 'milliseconds';
  const v = duration ? Math.trunc(value) : value;
  const low = min !== undefined && v < (duration ? Math.trunc(min) : min);
  const high = !low && max !== undefined && v > (duration ? Math.trunc(max) : max);
  if (!low && !high) return { record: base('pass', value) };
  const bound = low ? 'min' : 'max';
  const limit = (low ? min : max) as number;
  const halt =
    metric.unit === 'percent'
      ? events.haltSuccessRate(t.names, value, limit, bound)
      : duration
        ? events.haltRequestDuration(t.names, v, limit, bound)
        : events.haltMetric(t.names, metric.name, value, limit, bound);
  return { record: base('fail', value), halt };
}
