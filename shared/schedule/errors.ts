import { FledgeError } from '../errors.ts';

/** A schedule operation failed; `operation` names it (e.g. `UpdateSchedule fledge-prod.test.podinfo-…`). */
export class ScheduleError extends FledgeError {
  readonly operation: string;

  constructor(operation: string, message: string, options?: { cause?: unknown }) {
    super(`${operation}: ${message}`, options);
    this.name = 'ScheduleError';
    this.operation = operation;
  }
}

/** The canary has no schedule to enable or disable (the watcher creates it first). */
export class ScheduleNotFoundError extends ScheduleError {
  constructor(operation: string, options?: { cause?: unknown }) {
    super(operation, 'no such schedule; create it first', options);
    this.name = 'ScheduleNotFoundError';
  }
}

/** A schedule's input cannot be used: an interval that is not a positive number of ms, or an empty name. */
export class InvalidScheduleError extends ScheduleError {
  constructor(message: string) {
    super('schedule', message);
    this.name = 'InvalidScheduleError';
  }
}
