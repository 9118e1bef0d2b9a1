/**
 * A small bounded outbox per destination: a delivery that fails is kept and retried on the next announcement to
 * the same destination, oldest first, so an SNS throttle or a chat outage delays messages instead of losing them,
 * and never blocks or fails a step. Bounds: at most `capacity` deliveries wait (the oldest is dropped, and logged,
 * beyond it) and each is tried at most `maxAttempts` times. While the destination still fails, one announcement
 * costs one attempt: the first failure stops the flush and the new delivery is queued without being tried.
 *
 * The outbox lives in memory, with the Lambda container (or the process): a container that is recycled loses
 * what it held, which is logged as it is queued. Phase changes are also in the store's history, so nothing is
 * lost from the audit trail.
 */
import type { NotifyResult } from './types.ts';

/** Options of {@link Outbox}. */
export interface OutboxOptions {
  /** Deliveries kept waiting at most. @default 50 */
  readonly capacity?: number;
  /** Attempts per delivery, the first included. @default 5 */
  readonly maxAttempts?: number;
  /** Receives failures, retries and drops. @default nothing */
  readonly log?: (entry: OutboxLogEntry) => void;
}

/** A diagnostic of an outbox. */
export interface OutboxLogEntry {
  readonly level: 'info' | 'warn' | 'error';
  readonly message: string;
  readonly destination: string;
}

interface Waiting {
  readonly label: string;
  readonly deliver: () => Promise<NotifyResult>;
  attempts: number;
}

/** One destination's outbox. */
export class Outbox {
  readonly destination: string;
  readonly #capacity: number;
  readonly #maxAttempts: number;
  readonly #log: ((entry: OutboxLogEntry) => void) | undefined;
  #waiting: Waiting[] = [];
  #queue: Promise<unknown> = Promise.resolve();

  constructor(destination: string, options: OutboxOptions = {}) {
    this.destination = destination;
    this.#capacity = Math.max(1, options.capacity ?? 50);
    this.#maxAttempts = Math.max(1, options.maxAttempts ?? 5);
    this.#log = options.log;
  }

  /** How many deliveries wait. */
  get pending(): number {
    return this.#waiting.length;
  }

  /**
   * Retries what waits, oldest first, then delivers `label` (unless the destination failed again just now, when
   * it is queued untried). Answers the new delivery's result; never throws.
   */
  async send(label: string, deliver: () => Promise<NotifyResult>): Promise<NotifyResult> {
    // One send at a time per destination (canaries advanced in parallel share a container's outboxes), so a
    // waiting delivery is never retried twice at once and the order holds.
    const turn = this.#queue.then(() => this.#send(label, deliver));
    this.#queue = turn.catch(() => undefined);
    return turn;
  }

  async #send(label: string, deliver: () => Promise<NotifyResult>): Promise<NotifyResult> {
    const reachable = await this.#flush();
    const item: Waiting = { label, deliver, attempts: 0 };
    if (!reachable) {
      this.#enqueue(item);
      return { kind: 'error', error: `${this.destination} is failing; ${label} queued for the next announcement` };
    }
    const result = await this.#try(item);
    if (result.kind === 'error') this.#enqueue(item);
    return result;
  }

  /** Retries waiting deliveries in order; false at the first that fails again (dropped if it has no attempt left). */
  async #flush(): Promise<boolean> {
    while (this.#waiting.length > 0) {
      const item = this.#waiting[0] as Waiting;
      const result = await this.#try(item);
      if (result.kind === 'sent') {
        this.#waiting.shift();
        this.#log?.({ level: 'info', message: `${item.label} delivered on attempt ${item.attempts}`, destination: this.destination });
        continue;
      }
      if (item.attempts >= this.#maxAttempts) {
        this.#waiting.shift();
        this.#log?.({ level: 'error', message: `${item.label} dropped after ${item.attempts} attempts: ${result.error}`, destination: this.destination });
      }
      return false;
    }
    return true;
  }

  async #try(item: Waiting): Promise<NotifyResult> {
    item.attempts += 1;
    let result: NotifyResult;
    try {
      result = await item.deliver();
    } catch (error) {
      result = { kind: 'error', error: error instanceof Error ? error.message : String(error) };
    }
    if (result.kind === 'error') this.#log?.({ level: 'warn', message: `${item.label} failed (attempt ${item.attempts} of ${this.#maxAttempts}): ${result.error}`, destination: this.destination });
    return result;
  }

  #enqueue(item: Waiting): void {
    if (item.attempts >= this.#maxAttempts) {
      this.#log?.({ level: 'error', message: `${item.label} dropped after ${item.attempts} attempts`, destination: this.destination });
      return;
    }
    this.#waiting.push(item);
    while (this.#waiting.length > this.#capacity) {
      const dropped = this.#waiting.shift() as Waiting;
      this.#log?.({ level: 'error', message: `outbox full (${this.#capacity}): ${dropped.label} dropped`, destination: this.destination });
    }
  }
}
