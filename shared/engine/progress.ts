/**
 * Fledge's hard deadline on a workload that is not ready (the canary during the analysis, the primary during a
 * promotion), counted as Kubernetes counts a Deployment's own: `progressDeadlineSeconds` since the wait started
 * or since the rollout last made progress, whichever is later. Progress is a new high of updated replicas
 * available (`WorkloadFacts.progress`), measured from the status counts, never the conditions: a rollout still
 * advancing is not cut short, while one that never advances, stalls, or falls back and climbs again to where it
 * was (a crash loop) runs out of time, after at most `desired + 1` deadlines in all.
 */
import type { IsoTime } from '../api/state.ts';
import type { Tick } from './tick.ts';
import type { WorkloadFacts } from './types.ts';

/** The most updated replicas seen available during the wait, and when that number was first reached. */
export interface ProgressMark {
  readonly count: number;
  readonly at: IsoTime;
}

/** The mark from its two stored fields; none before the first progress. */
export function progressMark(count: number | undefined, at: IsoTime | undefined): ProgressMark | undefined {
  return count === undefined || at === undefined ? undefined : { count, at };
}

/** The mark after observing `facts` at `now`: raised when more updated replicas are available than ever before. */
export function noteProgress(mark: ProgressMark | undefined, facts: WorkloadFacts, now: IsoTime): ProgressMark | undefined {
  const count = facts.progress?.updatedAvailable;
  if (count === undefined || count <= (mark?.count ?? 0)) return mark;
  return { count, at: now };
}

/** Seconds without progress: since the last progress when that is after `started`, else since `started`. */
export function secondsStalled(t: Tick, started: IsoTime, mark: ProgressMark | undefined): number {
  const from = mark !== undefined && Date.parse(mark.at) > Date.parse(started) ? mark.at : started;
  return t.secondsSince(from);
}
