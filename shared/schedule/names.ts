/**
 * How a canary maps onto an EventBridge schedule: its name, its rate expression and the input it delivers.
 * All deterministic, so the watcher and the advance step find the same schedule without storing its name.
 */
import { createHash } from 'node:crypto';
import { InvalidScheduleError } from './errors.ts';
import type { AdvanceEvent, ScheduledCanary, ScheduleSpec } from './types.ts';

/** Scheduler's limit on schedule names: 1–64 of `[0-9a-zA-Z-_.]`. */
export const MAX_SCHEDULE_NAME = 64;
const HASH_CHARS = 12;
const INVALID_NAME_CHARS = /[^0-9a-zA-Z_.-]+/g;

/**
 * The schedule name of a canary: a readable `cluster.namespace.name` prefix (characters Scheduler refuses
 * become `-`, cut to fit) and 12 hex digits of a SHA-256 over the exact triple. The hash keeps names apart
 * that the cut or the character mapping would merge (`a.b`/`c` and `a`/`b.c`, two long names sharing 50
 * characters).
 * @example scheduleName({ cluster: 'prod', namespace: 'test', name: 'podinfo' }) // 'prod.test.podinfo-3f2a…'
 */
export function scheduleName(canary: ScheduledCanary): string {
  assertCanary(canary);
  const hash = createHash('sha256').update(`${canary.cluster}\u0000${canary.namespace}\u0000${canary.name}`).digest('hex').slice(0, HASH_CHARS);
  const readable = `${canary.cluster}.${canary.namespace}.${canary.name}`.replace(INVALID_NAME_CHARS, '-');
  return `${readable.slice(0, MAX_SCHEDULE_NAME - HASH_CHARS - 1)}-${hash}`;
}

/**
 * The Scheduler rate for an analysis interval: whole minutes, at least one (Scheduler's floor), rounded to the
 * nearest minute. Intervals below a minute fire once a minute and the advance step runs several steps per firing.
 */
export function rateExpression(intervalMs: number): string {
  const minutes = rateMinutes(intervalMs);
  return `rate(${minutes} ${minutes === 1 ? 'minute' : 'minutes'})`;
}

/** The whole minutes of {@link rateExpression}. */
export function rateMinutes(intervalMs: number): number {
  assertInterval(intervalMs);
  return Math.max(1, Math.round(intervalMs / 60_000));
}

/**
 * The JSON the schedule delivers: the canary, the interval, and Scheduler's context attributes, which it
 * substitutes in a JSON input at each firing.
 */
export function targetInput(spec: ScheduleSpec): string {
  const { cluster, namespace, name } = spec.canary;
  return JSON.stringify({
    cluster,
    namespace,
    name,
    intervalMs: spec.intervalMs,
    scheduledTime: '<aws.scheduler.scheduled-time>',
    executionId: '<aws.scheduler.execution-id>',
    attempt: '<aws.scheduler.attempt-number>',
  });
}

/** Reads a target input back (as stored, before substitution): the canary and interval, or `undefined`. */
export function parseTargetInput(input: string | undefined): { canary: ScheduledCanary; intervalMs: number } | undefined {
  if (input === undefined) return undefined;
  try {
    const value = JSON.parse(input) as Partial<Record<keyof AdvanceEvent, unknown>>;
    const { cluster, namespace, name, intervalMs } = value;
    if (typeof cluster !== 'string' || typeof namespace !== 'string' || typeof name !== 'string' || typeof intervalMs !== 'number') return undefined;
    return { canary: { cluster, namespace, name }, intervalMs };
  } catch {
    return undefined;
  }
}

export function assertCanary(canary: ScheduledCanary): void {
  for (const field of ['cluster', 'namespace', 'name'] as const) {
    if (typeof canary[field] !== 'string' || canary[field] === '') {
      throw new InvalidScheduleError(`canary.${field}: expected a non-empty string, got ${JSON.stringify(canary[field])}`);
    }
  }
}

export function assertInterval(intervalMs: number): void {
  if (!Number.isFinite(intervalMs) || intervalMs <= 0) {
    throw new InvalidScheduleError(`intervalMs: expected a positive number of milliseconds, got ${JSON.stringify(intervalMs)}`);
  }
}
