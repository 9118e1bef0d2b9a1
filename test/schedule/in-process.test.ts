/**
 * The in-process schedule port on an injected timer: firings every interval (sub-minute honoured), slots
 * anchored so slow steps do not drift, no overlap, enable/disable/delete, and a clean stop.
 */
import { describe, expect, it } from 'vitest';
import { InProcessSchedules, ScheduleNotFoundError, type AdvanceEvent, type Timer } from '../../shared/schedule/index.ts';

/** A timer whose time moves only when the test advances it; due callbacks run in time order. */
class ManualTimer implements Timer {
  #now = Date.parse('2026-01-01T00:00:00Z');
  #next = 0;
  readonly #pending = new Map<number, { at: number; fire: () => void }>();

  now(): number {
    return this.#now;
  }

  setTimeout(fire: () => void, ms: number): unknown {
    const handle = ++this.#next;
    this.#pending.set(handle, { at: this.#now + ms, fire });
    return handle;
  }

  clearTimeout(handle: unknown): void {
    this.#pending.delete(handle as number);
  }

  /** Moves time forward by `ms`, firing what falls due and letting the firings' promises settle. */
  async advance(ms: number): Promise<void> {
    const end = this.#now + ms;
    for (;;) {
      const due = [...this.#pending.entries()].filter(([, p]) => p.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
      if (due === undefined) break;
      this.#pending.delete(due[0]);
      this.#now = due[1].at;
      due[1].fire();
      for (let i = 0; i < 20; i++) await Promise.resolve();
    }
    this.#now = end;
  }
}

const canary = { cluster: 'local', namespace: 'test', name: 'podinfo' };

function setup(step: (event: AdvanceEvent, timer: ManualTimer) => Promise<void> = async () => undefined) {
  const timer = new ManualTimer();
  const fired: AdvanceEvent[] = [];
  const errors: unknown[] = [];
  const schedules = new InProcessSchedules({
    timer,
    fire: async (event) => {
      fired.push(event);
      await step(event, timer);
    },
    onError: (error) => errors.push(error),
  });
  return { timer, fired, errors, schedules };
}

describe('InProcessSchedules', () => {
  it('fires an enabled schedule every 10 s, with the scheduled time of each slot', async () => {
    const { timer, fired, schedules } = setup();
    await schedules.create({ canary, intervalMs: 10_000, enabled: true });

    await timer.advance(35_000);

    expect(fired.map((e) => e.scheduledTime)).toEqual(['2026-01-01T00:00:10.000Z', '2026-01-01T00:00:20.000Z', '2026-01-01T00:00:30.000Z']);
    expect(fired[0]).toMatchObject({ ...canary, intervalMs: 10_000, attempt: 1 });
    expect(new Set(fired.map((e) => e.executionId)).size).toBe(3);
  });

  it('does not fire while disabled, and counts slots from the moment it is enabled', async () => {
    const { timer, fired, schedules } = setup();
    await schedules.create({ canary, intervalMs: 10_000, enabled: false });
    await timer.advance(25_000);
    expect(fired).toEqual([]);

    expect(await schedules.enable(canary)).toBe('updated');
    expect(await schedules.enable(canary)).toBe('unchanged');
    await timer.advance(10_000);
    expect(fired.map((e) => e.scheduledTime)).toEqual(['2026-01-01T00:00:35.000Z']);

    await schedules.disable(canary);
    await timer.advance(60_000);
    expect(fired).toHaveLength(1);
  });

  it('never overlaps firings: a step longer than the interval skips the slots it covered, without drifting', async () => {
    const { timer, fired, schedules } = setup(async (event, t) => {
      if (event.executionId?.endsWith('-1')) await new Promise<void>((resolve) => t.setTimeout(resolve, 15_000));
    });
    await schedules.create({ canary, intervalMs: 10_000, enabled: true });

    await timer.advance(45_000);

    expect(fired.map((e) => e.scheduledTime)).toEqual(['2026-01-01T00:00:10.000Z', '2026-01-01T00:00:30.000Z', '2026-01-01T00:00:40.000Z']);
  });

  it('keeps firing after a step throws, and reports the error', async () => {
    const { timer, fired, errors, schedules } = setup(async () => {
      throw new Error('boom');
    });
    await schedules.create({ canary, intervalMs: 10_000, enabled: true });

    await timer.advance(20_000);

    expect(fired).toHaveLength(2);
    expect(errors.map(String)).toEqual(['Error: boom', 'Error: boom']);
  });

  it('changes the interval, deletes idempotently, and refuses to enable a missing schedule', async () => {
    const { timer, fired, schedules } = setup();
    await schedules.create({ canary, intervalMs: 10_000, enabled: true });
    expect(await schedules.update({ canary, intervalMs: 30_000, enabled: true })).toBe('updated');
    await timer.advance(30_000);
    expect(fired.map((e) => e.intervalMs)).toEqual([30_000]);
    expect(await schedules.list()).toEqual([{ scheduleName: expect.stringMatching(/^local\.test\.podinfo-/), enabled: true }]);

    expect(await schedules.delete(canary)).toBe(true);
    expect(await schedules.delete(canary)).toBe(false);
    await timer.advance(60_000);
    expect(fired).toHaveLength(1);
    await expect(schedules.enable(canary)).rejects.toBeInstanceOf(ScheduleNotFoundError);
  });

  it('stop waits for the firing in flight and starts no other', async () => {
    let finish: () => void = () => undefined;
    const { timer, fired, schedules } = setup(() => new Promise<void>((resolve) => { finish = resolve; }));
    await schedules.create({ canary, intervalMs: 10_000, enabled: true });
    await timer.advance(10_000);
    let stopped = false;
    const stopping = schedules.stop().then(() => { stopped = true; });
    await Promise.resolve();
    expect(stopped).toBe(false);

    finish();
    await stopping;
    await timer.advance(60_000);

    expect(stopped).toBe(true);
    expect(fired).toHaveLength(1);
  });
});
