/**
 * One firing of a canary's schedule (the advance Lambda's job, DESIGN §1): guard against stale and
 * redelivered firings, run one step — or several, spaced by the interval, when the interval is below
 * Scheduler's one-minute floor — and keep the schedule in step with the canary: disabled once a committed
 * step leaves nothing in flight, enabled when a direct invocation (the watcher's kick) starts a run, deleted
 * when the Canary is gone for good.
 *
 * Safety does not rest on these guards: every step commits conditionally on the version it read, so of
 * overlapping invocations exactly one step wins. The guards only keep a late or repeated firing from taking
 * a second step in one interval.
 */
import type { CanaryId } from '../api/state.ts';
import { canaryIdProblems } from '../api/state.ts';
import type { AdvanceEvent, SchedulePort } from '../schedule/types.ts';
import type { CanaryStore } from '../store/types.ts';
import { withTimeLeft } from '../time-left.ts';
import { advanceCanary } from './advance.ts';
import { ControllerError } from './errors.ts';
import { messageOf } from './facts.ts';
import type { AdvanceResult, ControllerDeps } from './types.ts';

/** Scheduler's floor: one firing a minute at most. */
export const SCHEDULER_PERIOD_MS = 60_000;
/** Time kept free at the end of an invocation, before the next firing or the Lambda timeout. */
export const SAFETY_MARGIN_MS = 5_000;

/** What {@link runScheduledAdvance} needs. */
export interface ScheduledDeps {
  /** The controller of a cluster (its kube client and ports, built once per container). */
  controller(cluster: string): Promise<ControllerDeps>;
  readonly store: CanaryStore;
  readonly schedules: SchedulePort;
  readonly now: () => Date;
  readonly sleep: (ms: number) => Promise<void>;
  /** Milliseconds left before the invocation must end (Lambda's `getRemainingTimeInMillis`). @default unlimited */
  readonly remainingMs?: () => number;
  /**
   * One step per firing whatever the interval: for a scheduler that fires every interval itself (the
   * in-process one), not once a minute like EventBridge Scheduler. @default false
   */
  readonly singleStep?: boolean;
  /** Told about each step as it ends (logging, metrics). */
  readonly onStep?: (result: AdvanceResult, durationMs: number) => void;
  /** Told about schedule changes and their failures. */
  readonly onSchedule?: (entry: { readonly action: 'enable' | 'disable' | 'delete'; readonly outcome: string }) => void;
}

/** What a firing did. */
export interface ScheduledOutcome {
  /** `stale`: older than one interval; `duplicate`: a step already ran for this firing; `ran`: see `results`. */
  readonly kind: 'ran' | 'stale' | 'duplicate';
  readonly results: readonly AdvanceResult[];
}

/** Reads and checks an advance event (from Scheduler's input, a direct invoke or the in-process scheduler). */
export function parseAdvanceEvent(raw: unknown): AdvanceEvent {
  if (typeof raw !== 'object' || raw === null) throw new ControllerError(`advance event: expected an object {cluster, namespace, name}, got ${JSON.stringify(raw)}`);
  const value = raw as Record<string, unknown>;
  const id = { cluster: value['cluster'], namespace: value['namespace'], name: value['name'] };
  for (const [field, v] of Object.entries(id)) {
    if (typeof v !== 'string' || v === '') throw new ControllerError(`advance event: ${field}: expected a non-empty string, got ${JSON.stringify(v)}`);
  }
  const problems = canaryIdProblems(id as CanaryId);
  if (problems.length > 0) throw new ControllerError(`advance event: ${problems.join('; ')}`);
  const scheduledTime = value['scheduledTime'];
  if (scheduledTime !== undefined && (typeof scheduledTime !== 'string' || Number.isNaN(Date.parse(scheduledTime)))) {
    throw new ControllerError(`advance event: scheduledTime: expected an ISO 8601 time, got ${JSON.stringify(scheduledTime)}`);
  }
  const intervalMs = numberOf(value['intervalMs']);
  if (intervalMs !== undefined && !(intervalMs > 0)) throw new ControllerError(`advance event: intervalMs: expected a positive number, got ${JSON.stringify(value['intervalMs'])}`);
  const attempt = numberOf(value['attempt']);
  return {
    ...(id as CanaryId),
    ...(typeof scheduledTime === 'string' ? { scheduledTime } : {}),
    ...(typeof value['executionId'] === 'string' ? { executionId: value['executionId'] } : {}),
    ...(attempt === undefined ? {} : { attempt }),
    ...(intervalMs === undefined ? {} : { intervalMs }),
  };
}

/** Runs one firing; see the module comment. */
export async function runScheduledAdvance(deps: ScheduledDeps, event: AdvanceEvent): Promise<ScheduledOutcome> {
  const id: CanaryId = { cluster: event.cluster, namespace: event.namespace, name: event.name };
  const intervalMs = event.intervalMs ?? SCHEDULER_PERIOD_MS;
  const started = deps.now().getTime();
  if (event.scheduledTime !== undefined) {
    const due = Date.parse(event.scheduledTime);
    // A retry delivered after the next firing was due would only repeat a step that firing makes.
    if (started - due > (deps.singleStep ? intervalMs : Math.max(intervalMs, SCHEDULER_PERIOD_MS))) return { kind: 'stale', results: [] };
  }
  // The first step's own state load tells whether this firing's step was already taken (a step committed
  // within half an interval of the firing, read with the state in one consistent read): an invocation that
  // starts after another one's commit stops before any cluster write, and two that load the same version
  // race on the commit's version condition, so a firing makes exactly one step. Later steps of the same
  // invocation step from the version the previous one committed.
  const noStepSince = event.scheduledTime === undefined ? undefined : new Date(Date.parse(event.scheduledTime) - intervalMs / 2).toISOString();
  let version: number | undefined;
  const controller = await deps.controller(id.cluster);
  const results: AdvanceResult[] = [];
  // Below a minute, one firing runs the steps of its minute: at offsets 0, interval, 2×interval, … that end
  // before the next firing (and the invocation's deadline) with a margin.
  const steps = !deps.singleStep && event.scheduledTime !== undefined && intervalMs < SCHEDULER_PERIOD_MS ? Math.max(1, Math.floor((SCHEDULER_PERIOD_MS - SAFETY_MARGIN_MS) / intervalMs)) : 1;
  for (let k = 0; k < steps; k++) {
    if (k > 0) {
      const wait = started + k * intervalMs - deps.now().getTime();
      const remaining = deps.remainingMs?.() ?? Number.POSITIVE_INFINITY;
      if (remaining - Math.max(wait, 0) < SAFETY_MARGIN_MS + intervalMs / 2) break;
      if (wait > 0) await deps.sleep(wait);
    }
    const stepStarted = deps.now();
    // The step's own calls (webhooks) see the invocation's time left and end before it.
    const options = version === undefined ? (noStepSince === undefined ? {} : { noStepSince }) : { expectVersion: version };
    const step = () => advanceCanary(controller, id, stepStarted, options);
    const result = await (deps.remainingMs === undefined ? step() : withTimeLeft(deps.remainingMs, step));
    if (k === 0 && result.kind === 'superseded') return { kind: 'duplicate', results: [] };
    if (result.kind === 'advanced') version = result.version;
    deps.onStep?.(result, deps.now().getTime() - stepStarted.getTime());
    results.push(result);
    const more = await followSchedule(deps, id, event, intervalMs, result);
    if (!more) break;
  }
  return { kind: 'ran', results };
}

/** Keeps the schedule in step with a step's result; false when no further step should run in this invocation. */
async function followSchedule(deps: ScheduledDeps, id: CanaryId, event: AdvanceEvent, intervalMs: number, result: AdvanceResult): Promise<boolean> {
  switch (result.kind) {
    case 'advanced':
      if (!result.step.active) {
        await scheduleChange(deps, 'disable', () => deps.schedules.disable(id));
        return false;
      }
      if (event.scheduledTime === undefined) await scheduleChange(deps, 'enable', () => deps.schedules.update({ canary: id, intervalMs, enabled: true }));
      return true;
    case 'notFound':
      await scheduleChange(deps, 'delete', async () => String(await deps.schedules.delete(id)));
      return false;
    case 'conflict':
    case 'superseded':
    case 'effectFailed':
    case 'invalid':
      // Another invocation owns this interval, or the next firing retries; an invalid Canary keeps its schedule
      // so a fix is picked up on the next firing.
      return false;
    default: {
      const never: never = result;
      throw new ControllerError(`unknown advance result ${JSON.stringify(never)}`);
    }
  }
}

/** A schedule change whose failure is reported, never thrown: the step is committed, and the watcher repairs schedules. */
async function scheduleChange(deps: ScheduledDeps, action: 'enable' | 'disable' | 'delete', change: () => Promise<string>): Promise<void> {
  try {
    // Not inside the optional call: `f?.(await x)` skips evaluating `x` when `f` is undefined.
    const outcome = await change();
    deps.onSchedule?.({ action, outcome });
  } catch (error) {
    deps.onSchedule?.({ action, outcome: `failed: ${messageOf(error)}` });
  }
}

function numberOf(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  return undefined;
}
