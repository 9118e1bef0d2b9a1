/**
 * Plays EventBridge Scheduler over the fake's stored schedules: at a given time, every ENABLED schedule whose
 * rate is due gets its target input with the context attributes substituted, delivered to the handler as
 * Scheduler would invoke the Lambda. Delivery is at least once: `duplicates` extra deliveries of the same
 * firing (same execution id), and a firing whose handler throws is retried up to the schedule's
 * `MaximumRetryAttempts` with a rising attempt number.
 */
import { randomUUID } from 'node:crypto';
import type { FakeScheduler, StoredSchedule } from './scheduler.ts';

/** One delivery the player made. */
export interface Delivery {
  readonly schedule: string;
  readonly event: Record<string, unknown>;
  readonly outcome: 'ok' | 'error';
  readonly error?: string;
}

export interface PlayerOptions {
  /** Extra deliveries of each firing, at once and concurrently (Scheduler's at-least-once). @default 0 */
  readonly duplicates?: number;
}

export class SchedulerPlayer {
  readonly deliveries: Delivery[] = [];
  readonly #fake: FakeScheduler;
  readonly #invoke: (event: Record<string, unknown>) => Promise<unknown>;
  readonly #options: PlayerOptions;

  constructor(fake: FakeScheduler, invoke: (event: Record<string, unknown>) => Promise<unknown>, options: PlayerOptions = {}) {
    this.#fake = fake;
    this.#invoke = invoke;
    this.#options = options;
  }

  /** The schedules due at `at`: ENABLED ones whose rate divides the minutes since the epoch. */
  due(at: Date): StoredSchedule[] {
    const minute = Math.floor(at.getTime() / 60_000);
    return [...this.#fake.schedules.values()].filter((s) => s.State === 'ENABLED' && minute % rateMinutes(s.ScheduleExpression) === 0);
  }

  /** Fires every schedule due at `at` and waits for all deliveries. */
  async fire(at: Date): Promise<Delivery[]> {
    const done = await Promise.all(this.due(at).map((schedule) => this.fireOne(schedule, at)));
    return done.flat();
  }

  /** Fires one schedule at `at` (with duplicates and retries). */
  async fireOne(schedule: StoredSchedule, at: Date): Promise<Delivery[]> {
    const executionId = randomUUID();
    const retries = schedule.Target.RetryPolicy?.MaximumRetryAttempts ?? 185;
    const out: Delivery[] = [];
    for (let attempt = 1; attempt <= retries + 1; attempt++) {
      const event = substitute(schedule.Target.Input ?? '{}', at, executionId, attempt);
      const copies = attempt === 1 ? 1 + (this.#options.duplicates ?? 0) : 1;
      const results = await Promise.all(Array.from({ length: copies }, () => this.#deliver(schedule.Name, event)));
      out.push(...results);
      if (results.some((r) => r.outcome === 'ok')) break;
    }
    return out;
  }

  async #deliver(schedule: string, event: Record<string, unknown>): Promise<Delivery> {
    try {
      await this.#invoke(structuredClone(event));
      const delivery: Delivery = { schedule, event, outcome: 'ok' };
      this.deliveries.push(delivery);
      return delivery;
    } catch (error) {
      const delivery: Delivery = { schedule, event, outcome: 'error', error: error instanceof Error ? error.message : String(error) };
      this.deliveries.push(delivery);
      return delivery;
    }
  }
}

/** Scheduler's substitution of context attributes in a JSON input. */
export function substitute(input: string, at: Date, executionId: string, attempt: number): Record<string, unknown> {
  const text = input
    .replaceAll('<aws.scheduler.scheduled-time>', at.toISOString().replace(/\.\d{3}Z$/, 'Z'))
    .replaceAll('<aws.scheduler.execution-id>', executionId)
    .replaceAll('<aws.scheduler.attempt-number>', String(attempt));
  return JSON.parse(text) as Record<string, unknown>;
}

function rateMinutes(expression: string): number {
  const match = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(expression);
  if (!match) throw new Error(`the player only plays rate() schedules, got ${expression}`);
  const n = Number(match[1]);
  return match[2]?.startsWith('hour') ? n * 60 : match[2]?.startsWith('day') ? n * 1440 : n;
}
