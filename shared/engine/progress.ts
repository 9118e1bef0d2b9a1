/**
 * Fledge's hard deadline on a workload that is not ready (the canary during the analysis, the primary during a
 * promotion), counted as Kubernetes counts a Deployment's own: `progressDeadlineSeconds` since the wait started
 * or since the rollout last made progress, whichever is later. Progress is a new high of updated replicas
 * available (`WorkloadFacts.progress`), measured from the status counts, never the conditions: a rollout still
 * advancing is not cut short, while one that never advances, stalls, or falls back and climbs again to where it
 * was (a crash loop) runs out of time, after at most `desired + 1` deadlines in all.
 */
import type { IsoTime } from '../api/state.ts';
import type { Stall } from './messages.ts';
import type { Tick } from './tick.ts';
import type { WorkloadFacts } from './types.ts';

/** The most updated replicas seen available during the wait, and when that number was first reached. */
export interface ProgressMark {
  readonly count: number;
  readonly at: IsoTime;
}

/** The mark from its two stored fields; none before the first progress. */
function progressMark(count: number | undefined, at: IsoTime | undefined): ProgressMark | undefined {
  return count === undefined || at === undefined ? undefined : { count, at };
}

/** The mark after observing `facts` at `now`: raised when more updated replicas are available than ever before. */
function noteProgress(mark: ProgressMark | undefined, facts: WorkloadFacts, now: IsoTime): ProgressMark | undefined {
  const count = facts.progress?.updatedAvailable;
  if (count === undefined || count <= (mark?.count ?? 0)) return mark;
  return { count, at: now };
}

/** Seconds without progress: since the last progress when that is after `started`, else since `started`. */
function secondsStalled(t: Tick, started: IsoTime, mark: ProgressMark | undefined): number {
  const from = mark !== undefined && Date.parse(mark.at) > Date.parse(started) ? mark.at : started;
  return t.secondsSince(from);
}

/** Whether a wait ran out of time: how long it lasted, and how it stalled when it had made some progress. */
export type DeadlineVerdict =
  | { readonly exceeded: false }
  | { readonly exceeded: true; readonly elapsed: number; readonly stall?: Stall };

const PROGRESS_FIELDS = {
  canary: { count: 'canaryProgressCount', at: 'canaryProgressAt' },
  primary: { count: 'primaryProgressCount', at: 'primaryProgressAt' },
} as const;

/**
 * The one progress-deadline rule, for the canary during the analysis and the primary during a promotion:
 * records any new progress of `facts` in the state, then tells whether `progressDeadlineSeconds` passed
 * without progress since `started` or since the last progress.
 */
export function progressDeadline(t: Tick, workload: keyof typeof PROGRESS_FIELDS, started: IsoTime, facts: WorkloadFacts): DeadlineVerdict {
  const fields = PROGRESS_FIELDS[workload];
  const mark = noteProgress(progressMark(t.next[fields.count], t.next[fields.at]), facts, t.now);
  if (mark !== undefined) {
    t.next[fields.count] = mark.count;
    t.next[fields.at] = mark.at;
  }
  const stalled = secondsStalled(t, started, mark);
  if (stalled < t.spec.progressDeadlineSeconds) return { exceeded: false };
  const elapsed = t.secondsSince(started);
  if (mark === undefined) return { exceeded: true, elapsed };
  return { exceeded: true, elapsed, stall: { seconds: stalled, available: mark.count, desired: facts.progress?.desired ?? facts.replicas } };
}
