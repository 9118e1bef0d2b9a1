/**
 * The schedule port (DESIGN §1): one schedule per canary that fires the advance step once per analysis
 * interval while a release is in flight. EventBridge Scheduler serves it in AWS; an in-process timer serves it
 * for `fledge local` and tests. Every operation is idempotent, so the watcher can repeat any of them after a
 * partial failure.
 */

/** The canary a schedule fires for (the controller's `CanaryId`; this module imports nothing of ours). */
export interface ScheduledCanary {
  readonly cluster: string;
  readonly namespace: string;
  readonly name: string;
}

/** What a canary's schedule should be. */
export interface ScheduleSpec {
  readonly canary: ScheduledCanary;
  /** The Canary's analysis interval in milliseconds (EventBridge fires at most once a minute; see `rateExpression`). */
  readonly intervalMs: number;
  /** Disabled schedules exist but do not fire: a canary at rest costs nothing. */
  readonly enabled: boolean;
}

/** A schedule as it is stored. */
export interface ScheduleView extends ScheduleSpec {
  /** The schedule's deterministic name (see `scheduleName`). */
  readonly scheduleName: string;
}

/** One schedule as listed: its name and whether it fires. */
export interface ScheduleSummary {
  readonly scheduleName: string;
  readonly enabled: boolean;
}

/** What an idempotent write did. */
export type ScheduleChange = 'created' | 'updated' | 'unchanged';

/**
 * The event a schedule delivers to the advance step. EventBridge Scheduler fills `scheduledTime`,
 * `executionId` and `attempt` from its context attributes; the in-process scheduler fills them itself.
 */
export interface AdvanceEvent {
  readonly cluster: string;
  readonly namespace: string;
  readonly name: string;
  /** When this firing was due (ISO 8601). Absent when the advance is invoked directly (by the watcher). */
  readonly scheduledTime?: string;
  /** The Scheduler's id of this firing; redeliveries of one firing share it. */
  readonly executionId?: string;
  /** 1 for the first delivery of a firing, higher for the Scheduler's retries. */
  readonly attempt?: number;
  /** The interval the schedule was set for, in ms: lets the advance step loop below a minute and spot stale firings. */
  readonly intervalMs?: number;
}

/** The schedule port. */
export interface SchedulePort {
  /** Creates the schedule; an existing one is brought to `spec` (`updated`) or left (`unchanged`). */
  create(spec: ScheduleSpec): Promise<ScheduleChange>;
  /** Brings the schedule to `spec`, creating it when missing. */
  update(spec: ScheduleSpec): Promise<ScheduleChange>;
  /** Lets the schedule fire; `ScheduleNotFoundError` when the canary has none. */
  enable(canary: ScheduledCanary): Promise<ScheduleChange>;
  /** Stops the schedule firing; `ScheduleNotFoundError` when the canary has none. */
  disable(canary: ScheduledCanary): Promise<ScheduleChange>;
  /** Deletes the schedule; `false` when there was none. */
  delete(canary: ScheduledCanary): Promise<boolean>;
  /** The stored schedule, or `undefined`. */
  get(canary: ScheduledCanary): Promise<ScheduleView | undefined>;
  /** Every schedule of this deployment, by name. */
  list(): Promise<ScheduleSummary[]>;
}
