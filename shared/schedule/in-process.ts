import { ScheduleNotFoundError } from './errors.ts';
import { assertCanary, assertInterval, scheduleName } from './names.ts';
import type { AdvanceEvent, ScheduleChange, ScheduledCanary, SchedulePort, ScheduleSpec, ScheduleSummary, ScheduleView } from './types.ts';

/** The clock and timers the in-process scheduler runs on (injected, so tests move time themselves). */
export interface Timer {
  now(): number;
  setTimeout(fire: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** Node's own clock and timers. */
export const systemTimer: Timer = {
  now: () => Date.now(),
  setTimeout: (fire, ms) => setTimeout(fire, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** Options of {@link InProcessSchedules}. */
export interface InProcessSchedulesProps {
  /** Runs one firing (the local runner's advance step). Firings of one schedule never overlap. */
  readonly fire: (event: AdvanceEvent) => Promise<void>;
  /** @default {@link systemTimer} */
  readonly timer?: Timer;
  /** Receives what a firing threw; the schedule keeps firing. @default nothing */
  readonly onError?: (error: unknown, event: AdvanceEvent) => void;
}

interface Entry {
  spec: ScheduleSpec;
  /** Firings are due at `anchor + k × interval`, so a slow step never makes the schedule drift. */
  anchor: number;
  handle: unknown;
  running: Promise<void> | undefined;
  executions: number;
}

/**
 * The schedule port in one process, for `fledge local` and tests: each enabled schedule fires every
 * analysis interval, including intervals below a minute (10 s is honoured as 10 s, not as Scheduler's
 * one-minute floor). A firing that is still running when the next is due makes that one skip, as a missed
 * slot; the next firing is the next due slot after it ends.
 * @example
 * const schedules = new InProcessSchedules({ fire: (event) => runStep(event) });
 * await schedules.create({ canary, intervalMs: 10_000, enabled: true });
 */
export class InProcessSchedules implements SchedulePort {
  readonly #entries = new Map<string, Entry>();
  readonly #props: InProcessSchedulesProps;
  readonly #timer: Timer;
  #stopped = false;

  constructor(props: InProcessSchedulesProps) {
    this.#props = props;
    this.#timer = props.timer ?? systemTimer;
  }

  async create(spec: ScheduleSpec): Promise<ScheduleChange> {
    return this.update(spec);
  }

  async update(spec: ScheduleSpec): Promise<ScheduleChange> {
    assertCanary(spec.canary);
    assertInterval(spec.intervalMs);
    const name = scheduleName(spec.canary);
    const entry = this.#entries.get(name);
    if (entry === undefined) {
      const created: Entry = { spec, anchor: this.#timer.now(), handle: undefined, running: undefined, executions: 0 };
      this.#entries.set(name, created);
      this.#arm(created);
      return 'created';
    }
    if (entry.spec.intervalMs === spec.intervalMs && entry.spec.enabled === spec.enabled) return 'unchanged';
    const wasEnabled = entry.spec.enabled;
    entry.spec = spec;
    // A newly enabled schedule or a new interval counts its slots from now, as Scheduler starts a rate anew.
    if (!wasEnabled || spec.enabled) entry.anchor = this.#timer.now();
    this.#arm(entry);
    return 'updated';
  }

  async enable(canary: ScheduledCanary): Promise<ScheduleChange> {
    return this.#setEnabled(canary, true);
  }

  async disable(canary: ScheduledCanary): Promise<ScheduleChange> {
    return this.#setEnabled(canary, false);
  }

  async delete(canary: ScheduledCanary): Promise<boolean> {
    const name = scheduleName(canary);
    const entry = this.#entries.get(name);
    if (entry === undefined) return false;
    this.#disarm(entry);
    this.#entries.delete(name);
    return true;
  }

  async get(canary: ScheduledCanary): Promise<ScheduleView | undefined> {
    const name = scheduleName(canary);
    const entry = this.#entries.get(name);
    return entry === undefined ? undefined : { scheduleName: name, ...entry.spec };
  }

  async list(): Promise<ScheduleSummary[]> {
    return [...this.#entries.entries()]
      .map(([scheduleName, entry]) => ({ scheduleName, enabled: entry.spec.enabled }))
      .sort((a, b) => a.scheduleName.localeCompare(b.scheduleName));
  }

  /** Stops every timer and waits for the firings in flight to end. No firing starts afterwards. */
  async stop(): Promise<void> {
    this.#stopped = true;
    for (const entry of this.#entries.values()) this.#disarm(entry);
    await Promise.all([...this.#entries.values()].map((entry) => entry.running));
  }

  async #setEnabled(canary: ScheduledCanary, enabled: boolean): Promise<ScheduleChange> {
    const entry = this.#entries.get(scheduleName(canary));
    if (entry === undefined) throw new ScheduleNotFoundError(`${enabled ? 'enable' : 'disable'} ${scheduleName(canary)}`);
    return this.update({ ...entry.spec, enabled });
  }

  #disarm(entry: Entry): void {
    if (entry.handle !== undefined) this.#timer.clearTimeout(entry.handle);
    entry.handle = undefined;
  }

  /** Sets the entry's timer for its next due slot after now (or clears it when disabled). */
  #arm(entry: Entry): void {
    this.#disarm(entry);
    if (!entry.spec.enabled || this.#stopped || entry.running !== undefined) return;
    const now = this.#timer.now();
    const interval = entry.spec.intervalMs;
    const slots = Math.floor((now - entry.anchor) / interval) + 1;
    const due = entry.anchor + slots * interval;
    entry.handle = this.#timer.setTimeout(() => this.#fire(entry, due), due - now);
  }

  #fire(entry: Entry, due: number): void {
    entry.handle = undefined;
    if (this.#stopped || !entry.spec.enabled) return;
    entry.executions += 1;
    const { cluster, namespace, name } = entry.spec.canary;
    const event: AdvanceEvent = {
      cluster,
      namespace,
      name,
      scheduledTime: new Date(due).toISOString(),
      executionId: `${scheduleName(entry.spec.canary)}-${entry.executions}`,
      attempt: 1,
      intervalMs: entry.spec.intervalMs,
    };
    entry.running = this.#props.fire(event).then(
      () => undefined,
      (error: unknown) => this.#props.onError?.(error, event),
    ).finally(() => {
      entry.running = undefined;
      if (this.#entries.get(scheduleName(entry.spec.canary)) === entry) this.#arm(entry);
    });
  }
}
